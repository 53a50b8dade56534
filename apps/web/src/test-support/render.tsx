import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router";
import { SignedIn } from "../session/SignedIn.tsx";

/** The current URL, readable by tests through `screen.getByTestId("location")`. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** Renders a page as the app does: query client, router at `url`, signed in (against the fake API). */
export function renderPage(page: ReactNode, url: string, path = url.split("?")[0]!) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      {
        path,
        element: (
          <SignedIn>
            {page}
            <LocationProbe />
          </SignedIn>
        ),
      },
      { path: "*", element: <LocationProbe /> },
    ],
    { initialEntries: [url] },
  );
  const result = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, router, client };
}
