import { AlertOctagon, CheckCircle2, ChevronRight, FileDown, Info, Loader2, XCircle } from "lucide-react";
import { useLayoutEffect, useRef, useState } from "react";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { STATE_LABEL } from "../runs/status.ts";
import type { OutputChunk, TranscriptItem } from "./transcript.ts";

const time = (iso: string) =>
  new Date(iso).toLocaleTimeString("en", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

function Output({ chunks }: { chunks: OutputChunk[] }) {
  return (
    <pre className="output">
      {chunks.map((c, i) => (
        <span key={i} className={c.stream === "stderr" ? "stderr" : undefined}>
          {c.text}
        </span>
      ))}
    </pre>
  );
}

function SetupStep({ item, running }: { item: Extract<TranscriptItem, { kind: "setup" }>; running: boolean }) {
  const Icon = item.status === "succeeded" ? CheckCircle2 : item.status === "failed" ? XCircle : Loader2;
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
      {item.output.length > 0 ? <Output chunks={item.output} /> : <p className="muted small indent">No output.</p>}
    </details>
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
          <span className="small">{STATE_LABEL[item.state] ?? item.state}</span>
          <span className="muted small">{time(item.at)}</span>
          {item.message && <span className="small">{item.message}</span>}
          {item.errorCode && <code className="small">{item.errorCode}</code>}
        </div>
      );
    case "setup":
      return <SetupStep item={item} running={running} />;
    case "output":
      return <Output chunks={item.chunks} />;
    case "harness":
      return (
        <div className="t-note">
          <Info size={14} aria-hidden /> {item.message}
        </div>
      );
    case "error":
      return (
        <div className="t-error" role="alert">
          <AlertOctagon size={14} aria-hidden /> {item.message}
          {item.errorCode && <code className="small">{item.errorCode}</code>}
        </div>
      );
    case "artifact":
      return (
        <div className="t-note">
          <FileDown size={14} aria-hidden /> {item.artifactType.toLowerCase()} {item.filename ?? item.artifactUid}
          {item.artifactUid && (
            <button type="button" className="link-button" onClick={() => onDownload(item.artifactUid)}>
              Download
            </button>
          )}
        </div>
      );
    case "other":
      return <div className="t-note muted small">{item.type}</div>;
  }
}

/** The live transcript, following the tail unless the reader scrolls up to read. */
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
  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [items, follow]);
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
        {items.map((item) => (
          <Item key={item.id} item={item} running={running} onDownload={onDownload} />
        ))}
      </div>
      {!follow && (
        <button type="button" className="button small follow" onClick={() => setFollow(true)}>
          Follow output ↓
        </button>
      )}
    </div>
  );
}
