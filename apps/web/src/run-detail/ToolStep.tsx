import { CheckCircle2, ChevronRight, Loader2, Plug, SquareTerminal, Wrench, XCircle, FilePen } from "lucide-react";
import { useState } from "react";
import { AnsiText } from "./AnsiText.tsx";
import { editDiff, exitCodeOf, toolSummary, toolView, type ToolView } from "./tool-view.ts";
import type { TranscriptItem } from "./transcript.ts";

const ICON = {
  shell: SquareTerminal,
  edit: FilePen,
  write: FilePen,
  read: Wrench,
  patch: FilePen,
  mcp: Plug,
  other: Wrench,
};

/** At most this much of a long output is drawn inline; the Log tab and the raw log have all of it. */
const INLINE_OUTPUT_LINES = 400;

function Lines({ text, className }: { text: string; className?: string }) {
  const lines = text.replace(/\n$/, "").split("\n");
  const hidden = Math.max(0, lines.length - INLINE_OUTPUT_LINES);
  return (
    <pre className={`output ${className ?? ""}`}>
      {hidden > 0 && <span className="muted">{`… ${hidden} earlier lines not shown\n`}</span>}
      {lines.slice(hidden).map((line, i) => (
        <span key={i} className="line">
          <AnsiText text={line} />
          {"\n"}
        </span>
      ))}
    </pre>
  );
}

function Arguments({ view }: { view: ToolView }) {
  switch (view.kind) {
    case "shell":
      return (
        <pre className="output command">
          <span className="prompt-sign">$ </span>
          {view.command}
        </pre>
      );
    case "edit":
      return (
        <pre className="output diff" aria-label={`Changes to ${view.path}`}>
          {editDiff(view.oldText, view.newText).map((d, i) => (
            <span key={i} className={d.sign === "-" ? "del" : d.sign === "+" ? "add" : undefined}>
              {`${d.sign} ${d.text}\n`}
            </span>
          ))}
        </pre>
      );
    case "write":
      return <Lines text={view.content} className="diff-add" />;
    case "patch":
      return (
        <ul className="plain small">
          {view.files.map((f) => (
            <li key={f.path}>
              {f.change} <code>{f.path}</code>
            </li>
          ))}
        </ul>
      );
    case "read":
      return null;
    case "mcp":
    case "other":
      return view.args === undefined ? null : <pre className="output args">{JSON.stringify(view.args, null, 2)}</pre>;
  }
}

/**
 * One tool call as a collapsible step: its header says which tool, on what (the command, the path) and how it
 * ended (exit code, error); opened, the arguments (a diff for edits) and what the tool returned. Failed steps
 * start open, because that is what the reader came for.
 */
export function ToolStep({ item, running }: { item: Extract<TranscriptItem, { kind: "tool" }>; running: boolean }) {
  const view = toolView(item.name, item.args);
  const result = item.result;
  const exitCode = result ? exitCodeOf(result.output) : undefined;
  const failed = result?.isError === true || (exitCode !== undefined && exitCode !== 0);
  const [open, setOpen] = useState(failed);
  const Icon = ICON[view.kind];
  const StateIcon = !result ? Loader2 : failed ? XCircle : CheckCircle2;
  return (
    <div className={`tool-step${failed ? " failed" : ""}`} data-tool={item.name}>
      <button type="button" className="tool-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <ChevronRight size={14} className="chevron" aria-hidden />
        <StateIcon size={14} aria-hidden className={!result && running ? "spin" : undefined} />
        <Icon size={14} aria-hidden />
        <span className="tool-name">{view.label}</span>
        <code className="tool-summary">{toolSummary(view)}</code>
        <span className="muted small tool-meta">
          {[
            exitCode !== undefined ? `exit ${exitCode}` : result?.isError ? "error" : "",
            result?.durationMs ? `${(result.durationMs / 1000).toFixed(1)}s` : "",
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
      </button>
      {open && (
        <div className="tool-body">
          <Arguments view={view} />
          {result ? (
            result.output ? (
              <Lines text={result.output} className={failed ? "result failed" : "result"} />
            ) : (
              <p className="muted small">No output.</p>
            )
          ) : (
            <p className="muted small">{running ? "Running…" : "No result was recorded."}</p>
          )}
        </div>
      )}
    </div>
  );
}
