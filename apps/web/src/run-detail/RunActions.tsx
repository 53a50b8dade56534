import type { RunItem } from "@oz/contract";
import { Pencil, RotateCcw, Square } from "lucide-react";
import { useState } from "react";
import { useNavigate } from "react-router";
import { isLiveRunState } from "@oz/contract/run-states";
import { useCancelRun, useCreateRun } from "../api/runs.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { CopyButton } from "../components/CopyButton.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { NewRunDialog } from "../runs/NewRunDialog.tsx";
import { curlCommand, fetchSnippet, formFromRun, rerunParams } from "./run-actions.ts";

/** Cancel is allowed while the run has not ended (PENDING answers 409 "retry shortly", shown as such). */
const canCancel = (run: RunItem) => run.is_run_type_cancellable !== false && isLiveRunState(run.state);

/** The run's header actions: re-run, edit and run, cancel (asked once), and what to copy to run it elsewhere. */
export function RunActions({ run }: { run: RunItem }) {
  const cancel = useCancelRun(run.run_id);
  const create = useCreateRun();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const params = rerunParams(run);
  const origin = window.location.origin;
  return (
    <div className="header-actions">
      <button
        type="button"
        className="button"
        disabled={create.isPending}
        onClick={() => create.mutate(params, { onSuccess: (r) => void navigate(`/runs/${r.run_id}`) })}
      >
        <RotateCcw size={14} aria-hidden /> {create.isPending ? "Starting…" : "Re-run"}
      </button>
      <button type="button" className="button" onClick={() => setEditing(true)}>
        <Pencil size={14} aria-hidden /> Edit and run
      </button>
      {canCancel(run) && (
        <ConfirmButton question="Cancel this run?" disabled={cancel.isPending} onConfirm={() => cancel.mutate()}>
          <Square size={14} aria-hidden /> {cancel.isPending ? "Cancelling…" : "Cancel run"}
        </ConfirmButton>
      )}
      <details className="copy-menu">
        <summary className="button small">Copy…</summary>
        <div className="copy-list">
          <CopyButton text={run.run_id} label="Run id" />
          <CopyButton text={`${origin}/runs/${run.run_id}`} label="Link" />
          <CopyButton text={curlCommand(origin, params)} label="curl" />
          <CopyButton text={fetchSnippet(origin, params)} label="fetch (TypeScript)" />
        </div>
      </details>
      {cancel.isError && <ProblemMessage error={cancel.error} />}
      {create.isError && <ProblemMessage error={create.error} />}
      {editing && <NewRunDialog initial={formFromRun(run)} onClose={() => setEditing(false)} />}
    </div>
  );
}
