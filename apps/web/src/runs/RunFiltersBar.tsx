import { Search, SlidersHorizontal, X } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { useAgents, useMembers } from "../api/resources.ts";
import { EnvironmentOptions } from "../environments/EnvironmentOptions.tsx";
import { SOURCE_LABEL } from "./format.ts";
import { hasActiveFilters, type RunFilters } from "./run-filters.ts";
import { DISPLAY_STATUSES, STATUS_LABEL } from "./status.ts";

/** Text typed into a filter reaches the URL (and the query) once typing pauses. */
function useDebouncedCommit(value: string | undefined, commit: (v: string | undefined) => void) {
  const [draft, setDraft] = useState(value ?? "");
  // The URL changed from elsewhere (back button, "Clear filters"): show what it says now.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value ?? "");
  }
  useEffect(() => {
    if (draft === (value ?? "")) return;
    const timer = setTimeout(() => commit(draft.trim() || undefined), 350);
    return () => clearTimeout(timer);
  }, [draft, value, commit]);
  return [draft, setDraft] as const;
}

/** A filter's <select>: its empty choice ("any") removes the filter. */
function FilterSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  children: ReactNode;
}) {
  return (
    <select aria-label={label} value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
      {children}
    </select>
  );
}

function DateFilter({
  caption,
  label,
  value,
  onChange,
}: {
  caption: string;
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <label className="date">
      <span className="muted small">{caption}</span>
      <input
        type="date"
        aria-label={label}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
      />
    </label>
  );
}

/**
 * The sources this server's runs come from: the public API, our CLI and web app (`x-oz-source`), and GitHub
 * Actions (which call the API saying so). Slack, Linear and the other hosted integrations never start runs here.
 */
export const SOURCES_HERE = ["API", "CLI", "WEB_APP", "GITHUB_ACTION"] as const;

export function RunFiltersBar({ filters, onChange }: { filters: RunFilters; onChange: (f: RunFilters) => void }) {
  const agents = useAgents();
  const members = useMembers();
  const set = (patch: Partial<RunFilters>) => onChange({ ...filters, ...patch });
  const [q, setQ] = useDebouncedCommit(filters.q, (v) => set({ q: v }));
  const [name, setName] = useDebouncedCommit(filters.configName, (v) => set({ configName: v }));
  // On a phone the filters fold behind a button, so the first run is on the first screen.
  const [expanded, setExpanded] = useState(false);
  const active = hasActiveFilters(filters);
  const sources: readonly string[] =
    filters.source && !(SOURCES_HERE as readonly string[]).includes(filters.source)
      ? [...SOURCES_HERE, filters.source]
      : SOURCES_HERE;

  return (
    <div className={expanded ? "filters" : "filters collapsed"} role="search" aria-label="Filters">
      <button
        type="button"
        className="button small filters-toggle"
        aria-expanded={expanded}
        onClick={() => setExpanded(!expanded)}
      >
        <SlidersHorizontal size={14} aria-hidden /> {expanded ? "Hide filters" : active ? "Filters (on)" : "Filters"}
      </button>
      <div className="filter-row">
        <label className="search">
          <Search size={16} aria-hidden />
          <input
            type="search"
            placeholder="Search title and prompt"
            aria-label="Search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <div className="chips filter-body" role="group" aria-label="Status">
          {DISPLAY_STATUSES.map((status) => {
            const on = filters.statuses.includes(status);
            return (
              <button
                key={status}
                type="button"
                className={on ? `chip on status-${status}` : "chip"}
                aria-pressed={on}
                onClick={() =>
                  set({ statuses: on ? filters.statuses.filter((s) => s !== status) : [...filters.statuses, status] })
                }
              >
                {STATUS_LABEL[status]}
              </button>
            );
          })}
        </div>
      </div>
      <div className="filter-row filter-body">
        <FilterSelect
          label="Source"
          value={filters.source}
          onChange={(source) => set({ source: source as RunFilters["source"] })}
        >
          <option value="">Any source</option>
          {sources.map((s) => (
            <option key={s} value={s}>
              {SOURCE_LABEL[s] ?? s}
            </option>
          ))}
        </FilterSelect>
        {filters.tab === "all" && (
          <FilterSelect label="Creator" value={filters.creator} onChange={(creator) => set({ creator })}>
            <option value="">Anyone</option>
            {members.data?.map((m) => (
              <option key={m.uid} value={m.uid}>
                {m.display_name}
              </option>
            ))}
            {agents.data?.map((a) => (
              <option key={a.uid} value={a.uid}>
                {a.name} (agent)
              </option>
            ))}
          </FilterSelect>
        )}
        <FilterSelect label="Agent" value={filters.agent} onChange={(agent) => set({ agent })}>
          <option value="">Any agent</option>
          {agents.data?.map((a) => (
            <option key={a.uid} value={a.uid}>
              {a.name}
            </option>
          ))}
          {members.data?.map((m) => (
            <option key={m.uid} value={m.uid}>
              Quick run by {m.display_name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Environment" value={filters.environment} onChange={(environment) => set({ environment })}>
          <option value="">Any environment</option>
          <option value="empty-environment">No environment</option>
          <EnvironmentOptions />
        </FilterSelect>
        <input
          className="narrow"
          placeholder="Config name"
          aria-label="Config name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <DateFilter caption="From" label="Created from" value={filters.from} onChange={(from) => set({ from })} />
        <DateFilter caption="To" label="Created to" value={filters.to} onChange={(to) => set({ to })} />
        {active && (
          <button
            type="button"
            className="button small ghost"
            onClick={() => onChange({ tab: filters.tab, statuses: [] })}
          >
            <X size={14} /> Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
