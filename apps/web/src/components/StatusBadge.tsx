import { Ban, CheckCircle2, CircleDashed, Clock, Loader2, XCircle } from "lucide-react";
import { stateLabel, statusOf, STATUS_LABEL, type DisplayStatus } from "../runs/status.ts";

const ICONS: Record<DisplayStatus, typeof CheckCircle2> = {
  working: Loader2,
  success: CheckCircle2,
  failed: XCircle,
  cancelled: Ban,
};

/**
 * A run's state at a glance: ended runs by outcome (Success / Failed / …), unfinished ones by what is happening
 * (Queued, Waiting for a worker, Starting, Running). The status message, when there is one, is the tooltip.
 */
export function StatusBadge({ state, message, since }: { state: string; message?: string; since?: string }) {
  const status = statusOf(state);
  const label = status === "working" ? stateLabel(state, since) : STATUS_LABEL[status];
  const waiting = label === "Waiting for a worker";
  const Icon = waiting ? Clock : state === "QUEUED" || state === "PENDING" ? CircleDashed : ICONS[status];
  const title = [stateLabel(state, since), message].filter(Boolean).join(": ");
  return (
    <span className={`status status-${status}${waiting ? " waiting" : ""}`} title={title} data-state={state}>
      <Icon
        size={14}
        aria-hidden
        className={status === "working" && state !== "QUEUED" && state !== "PENDING" ? "spin" : undefined}
      />
      {label}
    </span>
  );
}
