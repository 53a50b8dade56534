import { Navigate, type RouteObject } from "react-router";
import { AppShell } from "./layout/AppShell.tsx";
import { RouteError } from "./layout/RouteError.tsx";
import { LoginPage } from "./session/LoginPage.tsx";
import { SignedIn } from "./session/SignedIn.tsx";
import { usePageTitle } from "./components/use-page-title.ts";

// oz-style paths. The API answers index.html for each of them (apps/api/src/web-app), so deep links work.
// Pages are split into their own chunks: the first load carries only the shell and the page it opens.
export const routes: RouteObject[] = [
  { path: "/login", Component: LoginPage, ErrorBoundary: RouteError },
  {
    path: "/setup",
    lazy: { Component: async () => (await import("./setup/SetupPage.tsx")).SetupPage },
    ErrorBoundary: RouteError,
  },
  {
    path: "/invite",
    lazy: { Component: async () => (await import("./invites/AcceptInvitePage.tsx")).AcceptInvitePage },
    ErrorBoundary: RouteError,
  },
  {
    element: (
      <SignedIn>
        <AppShell />
      </SignedIn>
    ),
    ErrorBoundary: RouteError,
    children: [
      { path: "/", element: <Navigate to="/runs" replace /> },
      { path: "/runs", lazy: { Component: async () => (await import("./runs/RunsPage.tsx")).RunsPage } },
      {
        path: "/runs/:runId",
        lazy: { Component: async () => (await import("./run-detail/RunDetailPage.tsx")).RunDetailPage },
      },
      { path: "/agents", lazy: { Component: async () => (await import("./agents/AgentsPage.tsx")).AgentsPage } },
      {
        path: "/environments",
        lazy: { Component: async () => (await import("./environments/EnvironmentsPage.tsx")).EnvironmentsPage },
      },
      {
        path: "/environments/:environmentId",
        lazy: {
          Component: async () => (await import("./environments/EnvironmentDetailPage.tsx")).EnvironmentDetailPage,
        },
      },
      {
        path: "/schedules",
        lazy: { Component: async () => (await import("./schedules/SchedulesPage.tsx")).SchedulesPage },
      },
      {
        path: "/schedules/:scheduleId",
        lazy: { Component: async () => (await import("./schedules/ScheduleDetailPage.tsx")).ScheduleDetailPage },
      },
      { path: "/usage", lazy: { Component: async () => (await import("./usage/UsagePage.tsx")).UsagePage } },
      {
        path: "/settings",
        lazy: { Component: async () => (await import("./settings/SettingsPage.tsx")).SettingsPage },
      },
      { path: "*", Component: NotFound },
    ],
  },
];

function NotFound() {
  usePageTitle("Page not found");
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p className="muted">
        There is nothing at this address. Go to <a href="/runs">Runs</a>.
      </p>
    </div>
  );
}
