import { useQueryClient } from "@tanstack/react-query";
import { BarChart3, BookOpen, Bot, Boxes, CalendarClock, LogOut, Menu, Play, Settings } from "lucide-react";
import { Suspense, useEffect, useState } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useLogout } from "../api/session.ts";
import { Spinner } from "../components/Spinner.tsx";
import { useSignedInUser } from "../session/SignedIn.tsx";
import { TeamSwitcher } from "../session/TeamSwitcher.tsx";

const NAV = [
  { to: "/runs", label: "Runs", icon: Play },
  { to: "/agents", label: "Agents", icon: Bot },
  { to: "/environments", label: "Environments", icon: Boxes },
  { to: "/schedules", label: "Schedules", icon: CalendarClock },
  { to: "/usage", label: "Usage", icon: BarChart3 },
  { to: "/settings", label: "Settings", icon: Settings },
];

/** Sidebar navigation (a top bar with a menu on phones), the user, sign-out, and the page. */
export function AppShell() {
  const { user } = useSignedInUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  // The sections' own titles; a page inside one (a run, an environment) sets its own.
  const { pathname } = useLocation();
  useEffect(() => {
    const section = NAV.find((n) => n.to === pathname);
    if (section) document.title = `${section.label} · Oz`;
  }, [pathname]);
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className={open ? "sidebar open" : "sidebar"}>
        <div className="sidebar-top">
          <div className="brand">
            <span className="logo">oz</span>
            <TeamSwitcher />
          </div>
          <button
            type="button"
            className="icon-button menu-toggle"
            aria-label="Menu"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            <Menu size={20} />
          </button>
        </div>
        <nav onClick={() => setOpen(false)}>
          {NAV.map(({ to, label, icon: Icon }) => (
            <NavLink key={to} to={to} className="nav-link">
              <Icon size={18} aria-hidden /> {label}
            </NavLink>
          ))}
          {/* The API's own documentation (OpenAPI), served by the API at its origin. */}
          <a href="/docs" className="nav-link" target="_blank" rel="noreferrer">
            <BookOpen size={18} aria-hidden /> API docs
          </a>
        </nav>
        <div className="sidebar-user">
          <div className="avatar" aria-hidden>
            {(user.display_name || user.email).slice(0, 1).toUpperCase()}
          </div>
          <div className="user-text">
            <div className="user-name">{user.display_name}</div>
            <div className="muted small">{user.email}</div>
          </div>
          <button
            type="button"
            className="icon-button"
            title="Sign out"
            aria-label="Sign out"
            onClick={() =>
              logout.mutate(undefined, {
                onSettled: () => {
                  client.clear();
                  void navigate("/login", { replace: true });
                },
              })
            }
          >
            <LogOut size={18} />
          </button>
        </div>
      </aside>
      <main className="content" id="main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
