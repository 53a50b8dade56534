import { ListFilter, Plus } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { useEnvironments } from "../api/resources.ts";
import { isTerminal, useRunPages } from "../api/runs.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useNow } from "../components/use-now.ts";
import { usePageTitle } from "../components/use-page-title.ts";
import { useSignedInUser } from "../session/SignedIn.tsx";
import { NewRunDialog } from "./NewRunDialog.tsx";
import { filtersFromSearch, hasActiveFilters, listQueryOf, searchFromFilters, type RunFilters } from "./run-filters.ts";
import { RunFiltersBar } from "./RunFiltersBar.tsx";
import { RunListHeader, RunRow } from "./RunRow.tsx";
import { ScheduleFilterBanner } from "./ScheduleFilterBanner.tsx";

/** The management view: every run of the team (or your own), live, filtered through the URL. */
export function RunsPage() {
  const { user } = useSignedInUser();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const setFilters = (next: RunFilters) => setSearch(searchFromFilters(next), { replace: true });
  const query = useMemo(() => listQueryOf(filters, user.uid), [filters, user.uid]);
  const pages = useRunPages(query);
  const environments = useEnvironments();
  const [creating, setCreating] = useState(false);

  const envNames = useMemo(
    () => new Map(environments.data?.map((e) => [e.uid, e.config.name ?? e.uid])),
    [environments.data],
  );
  const runs = pages.data?.pages.flatMap((p) => p.runs) ?? [];
  // Running rows' durations tick every second; one clock for the whole list.
  const now = useNow(runs.some((r) => !isTerminal(r.state)));
  usePageTitle("Runs");

  // Infinite scroll: the next page loads when the end of the list comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Runs</h1>
          <div className="tabs" role="tablist">
            {(["all", "personal"] as const).map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                aria-selected={filters.tab === tab}
                className={filters.tab === tab ? "tab active" : "tab"}
                onClick={() => setFilters({ ...filters, tab })}
              >
                {tab === "all" ? "All" : "Personal"}
              </button>
            ))}
          </div>
        </div>
        <button type="button" className="button primary" onClick={() => setCreating(true)}>
          <Plus size={16} /> New run
        </button>
      </header>
      <RunFiltersBar filters={filters} onChange={setFilters} />
      {filters.schedule && (
        <ScheduleFilterBanner
          scheduleId={filters.schedule}
          onClear={() => setFilters({ ...filters, schedule: undefined })}
        />
      )}
      {pages.isError && <ProblemMessage error={pages.error} onRetry={() => void pages.refetch()} />}
      {pages.isPending ? (
        <Spinner label="Loading runs…" />
      ) : runs.length === 0 && !pages.isError ? (
        hasActiveFilters(filters) ? (
          <EmptyState icon={<ListFilter size={28} />} title="No runs match these filters">
            Loosen a filter or clear them all to see more runs.
          </EmptyState>
        ) : (
          <EmptyState icon={<Plus size={28} />} title="No runs yet">
            Start one with <strong>New run</strong>, or from CI with <code>POST /api/v1/agent/runs</code> and an API key
            from Settings.
          </EmptyState>
        )
      ) : (
        <div className="run-list" role="list" aria-busy={pages.isFetching}>
          <RunListHeader />
          {runs.map((run) => (
            <RunRow
              key={run.run_id}
              run={run}
              now={now}
              environmentName={envNames.get(run.agent_config?.environment_id ?? "")}
            />
          ))}
          <div ref={sentinel} className="list-end">
            {hasNextPage ? (
              <button
                type="button"
                className="button small"
                disabled={isFetchingNextPage}
                onClick={() => void fetchNextPage()}
              >
                {isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            ) : (
              runs.length > 20 && <span className="muted small">That is every run.</span>
            )}
          </div>
        </div>
      )}
      {creating && <NewRunDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
