import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronDown, ChevronUp, Download } from "lucide-react";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { API_BASE } from "../api/client.ts";
import { CopyButton } from "../components/CopyButton.tsx";
import { AnsiText } from "./AnsiText.tsx";
import { stripAnsi, type LogLine } from "./log-lines.ts";
import { clockTime } from "./Transcript.tsx";

const ROW_HEIGHT = 20;

/**
 * Every line the run printed, as a terminal shows it (ANSI colours, `\r` progress lines overwritten), with line
 * numbers, optional timestamps, search with highlighted matches, copy, the raw log's download, and tail-following.
 * Rows have one height, so ten thousand lines cost what a screenful does.
 */
export function LogViewer({ runId, lines }: { runId: string; lines: LogLine[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState(0);
  const plain = useMemo(() => lines.map((l) => stripAnsi(l.text)), [lines]);
  const matches = useMemo(() => {
    const q = query.toLowerCase();
    if (!q) return [];
    return plain.flatMap((text, i) => (text.toLowerCase().includes(q) ? [i] : []));
  }, [plain, query]);
  // The compiler leaves this component unmemoised (the virtualizer's functions change as it scrolls), as it should.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => box.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
    initialRect: { width: 900, height: 600 },
  });
  useLayoutEffect(() => {
    if (follow && !query && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: "end" });
  }, [lines.length, follow, query, virtualizer]);

  const goTo = (n: number) => {
    if (matches.length === 0) return;
    const next = (n + matches.length) % matches.length;
    setCurrent(next);
    setFollow(false);
    virtualizer.scrollToIndex(matches[next]!, { align: "center" });
  };
  const digits = String(lines.length).length;

  return (
    <div className="log-viewer">
      <div className="log-toolbar" role="toolbar" aria-label="Log">
        <input
          type="search"
          className="input small"
          placeholder="Search the log"
          aria-label="Search the log"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setCurrent(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") goTo(e.shiftKey ? current - 1 : current + 1);
          }}
        />
        {query && (
          <>
            <span className="muted small" aria-live="polite">
              {matches.length === 0 ? "No matches" : `${current + 1} of ${matches.length}`}
            </span>
            <button type="button" className="icon-button" aria-label="Previous match" onClick={() => goTo(current - 1)}>
              <ChevronUp size={16} />
            </button>
            <button type="button" className="icon-button" aria-label="Next match" onClick={() => goTo(current + 1)}>
              <ChevronDown size={16} />
            </button>
          </>
        )}
        <label className="check small">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <label className="check small">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className="spacer" />
        <CopyButton text={plain.join("\n")} label="Copy" />
        <a
          className="button small"
          href={`${API_BASE}/agent/runs/${encodeURIComponent(runId)}/log`}
          download={`run-${runId}.log`}
        >
          <Download size={14} /> Raw log
        </a>
      </div>
      {lines.length === 0 ? (
        <p className="muted small pad">No output yet.</p>
      ) : (
        <div
          ref={box}
          className="log-lines"
          data-testid="log"
          onScroll={(e) => {
            const el = e.currentTarget;
            const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
            if (!atEnd && follow) setFollow(false);
          }}
        >
          <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((v) => {
              const line = lines[v.index]!;
              const isCurrent = matches.length > 0 && matches[current] === v.index;
              return (
                <div
                  key={v.key}
                  className={`log-line${line.stream === "stderr" ? " stderr" : ""}${isCurrent ? " current" : ""}`}
                  style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                  data-line={v.index + 1}
                >
                  <span className="ln" aria-hidden>
                    {String(v.index + 1).padStart(digits)}
                  </span>
                  {timestamps && <time className="ts">{clockTime(line.at)}</time>}
                  <span className="lt">
                    <AnsiText text={line.text} query={query || undefined} />
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
