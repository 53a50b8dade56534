import { useVirtualizer } from "@tanstack/react-virtual";
import {
  AlertOctagon,
  CheckCircle2,
  ChevronRight,
  Coins,
  FileDown,
  Info,
  Loader2,
  MessageSquarePlus,
  XCircle,
} from "lucide-react";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { AnsiText } from "./AnsiText.tsx";
import type { LogLine } from "./log-lines.ts";
import { Markdown } from "./Markdown.tsx";
import { ToolStep } from "./ToolStep.tsx";
import type { TranscriptItem } from "./transcript.ts";

export const clockTime = (iso: string) =>
  new Date(iso).toLocaleTimeString("en", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** A setup step draws at most this many of its last lines; the Log tab has all of them. */
const SETUP_LINES_SHOWN = 200;

function SetupStep({ item, running }: { item: Extract<TranscriptItem, { kind: "setup" }>; running: boolean }) {
  const Icon = item.status === "succeeded" ? CheckCircle2 : item.status === "failed" ? XCircle : Loader2;
  const hidden = Math.max(0, item.output.length - SETUP_LINES_SHOWN);
  // Finished steps fold away; a running or failing one is open, as that is where the reader looks. Keyed by status,
  // the element starts afresh when the step finishes, and is the reader's to fold and unfold after that.
  return (
    <details key={item.status} className={`setup-step ${item.status}`} open={item.status !== "succeeded"}>
      <summary>
        <ChevronRight size={14} className="chevron" aria-hidden />
        <Icon size={14} aria-hidden className={item.status === "started" && running ? "spin" : undefined} />
        <span className="step-name">{item.name}</span>
        <span className="muted small">
          {item.exitCode !== undefined && item.exitCode !== 0 ? `exit ${item.exitCode} · ` : ""}
          {item.durationMs !== undefined ? `${(item.durationMs / 1000).toFixed(1)}s` : ""}
        </span>
      </summary>
      {item.output.length > 0 ? (
        <pre className="output">
          {hidden > 0 && <span className="muted">{`… ${hidden} earlier lines are in the Log tab\n`}</span>}
          {item.output.slice(hidden).map((line, i) => (
            <OutputLine key={i} line={line} />
          ))}
        </pre>
      ) : (
        <p className="muted small indent">No output.</p>
      )}
    </details>
  );
}

function OutputLine({ line }: { line: LogLine }) {
  return (
    <span className={line.stream === "stderr" ? "line stderr" : "line"}>
      <AnsiText text={line.text} />
      {"\n"}
    </span>
  );
}

function Item({
  item,
  running,
  onDownload,
}: {
  item: TranscriptItem;
  running: boolean;
  onDownload: (uid: string) => void;
}) {
  switch (item.kind) {
    case "state":
      return (
        <div className="t-state">
          <StatusBadge state={item.state} />
          <time className="muted small" dateTime={item.at}>
            {clockTime(item.at)}
          </time>
          {item.message && <span className="small">{item.message}</span>}
          {item.errorCode && <code className="small">{item.errorCode}</code>}
        </div>
      );
    case "setup":
      return <SetupStep item={item} running={running} />;
    case "output":
      return null; // drawn line by line (see rowsOf)
    case "message":
      return (
        <div className="t-message" data-turn={item.turn}>
          <div className="t-who small muted">Agent</div>
          <Markdown text={item.text} />
        </div>
      );
    case "tool":
      return <ToolStep item={item} running={running} />;
    case "usage":
      return (
        <div className="t-usage muted small">
          <Coins size={12} aria-hidden /> Turn {item.usage.turn} · {item.usage.model} ·{" "}
          {item.usage.inputTokens.toLocaleString("en")} in / {item.usage.outputTokens.toLocaleString("en")} out tokens
        </div>
      );
    case "followup":
      return (
        <div className="t-followup">
          <div className="t-who small muted">
            <MessageSquarePlus size={14} aria-hidden /> Follow-up
            <span className="muted small"> · {DELIVERY[item.delivery] ?? item.delivery}</span>
          </div>
          <p className="prompt">{item.message}</p>
        </div>
      );
    case "harness":
      return (
        <div className="t-note">
          <Info size={14} aria-hidden className="t-icon" /> <span className="t-text">{item.message}</span>
        </div>
      );
    case "error":
      return (
        <div className="t-error" role="alert">
          <AlertOctagon size={14} aria-hidden className="t-icon" /> <span className="t-text">{item.message}</span>
          {item.errorCode && <code className="small">{item.errorCode}</code>}
        </div>
      );
    case "artifact":
      return (
        <div className="t-note">
          <FileDown size={14} aria-hidden /> {item.artifactType.toLowerCase()} {item.filename ?? item.artifactUid}
          {item.sizeBytes !== undefined && <span className="muted small"> ({formatBytes(item.sizeBytes)})</span>}
          {item.artifactUid && (
            <button type="button" className="link-button" onClick={() => onDownload(item.artifactUid)}>
              Download
            </button>
          )}
        </div>
      );
    case "other":
      return (
        <details className="t-note muted small">
          <summary>{item.type}</summary>
          <pre className="output args">{JSON.stringify(item.payload, null, 2)}</pre>
        </details>
      );
  }
}

const DELIVERY: Record<string, string> = {
  with_prompt: "added to the prompt the agent starts with",
  live: "handed to the running agent",
  new_execution: "continues the run",
};

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

type Row = { key: string; item: TranscriptItem } | { key: string; line: LogLine };

/** The agent's output becomes one row per line, so a run that printed 10,000 lines scrolls as fast as one that printed ten. */
function rowsOf(items: readonly TranscriptItem[]): Row[] {
  const rows: Row[] = [];
  for (const item of items) {
    if (item.kind === "output") item.lines.forEach((line, i) => rows.push({ key: `${item.id}:${i}`, line }));
    else rows.push({ key: item.id, item });
  }
  return rows;
}

/**
 * The conversation, live: what the agent said (Markdown), each tool step, follow-ups, output and state changes, in
 * a virtual list (only rows in view are in the page). It follows the tail unless the reader scrolls up to read.
 */
export function Transcript({
  items,
  running,
  onDownload,
}: {
  items: TranscriptItem[];
  running: boolean;
  onDownload: (uid: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const rows = useMemo(() => rowsOf(items), [items]);
  // The compiler leaves this component unmemoised (the virtualizer's functions change as it scrolls), as it should.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => box.current,
    estimateSize: (i) => ("line" in rows[i]! ? 20 : 44),
    getItemKey: (i) => rows[i]!.key,
    overscan: 12,
    initialRect: { width: 900, height: 700 },
  });
  useLayoutEffect(() => {
    if (follow && rows.length > 0) virtualizer.scrollToIndex(rows.length - 1, { align: "end" });
  }, [rows.length, follow, virtualizer]);

  return (
    <div className="transcript-wrap">
      <div
        ref={box}
        className="transcript"
        data-testid="transcript"
        onScroll={(e) => {
          const el = e.currentTarget;
          setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
        }}
      >
        <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index]!;
            return (
              <div
                key={v.key}
                data-index={v.index}
                ref={virtualizer.measureElement}
                className={"line" in row ? "v-row v-line output" : "v-row"}
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {"line" in row ? (
                  <OutputLine line={row.line} />
                ) : (
                  <Item item={row.item} running={running} onDownload={onDownload} />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {!follow && (
        <button type="button" className="button small follow" onClick={() => setFollow(true)}>
          Follow output ↓
        </button>
      )}
    </div>
  );
}
