import { Ban, CheckCircle2, CircleDashed, Hand, Loader2, XCircle } from "lucide-react";
import { STATE_LABEL, STATUS_LABEL, statusOf, type DisplayStatus } from "../runs/status.ts";

const ICONS: Record<DisplayStatus, typeof CheckCircle2> = {
  working: Loader2,
  blocked: Hand,
  success: CheckCircle2,
  failed: XCircle,
  cancelled: Ban,
};

/** A run's state as the management view shows it: icon and word (Working / Failed / Success / …). */
export function StatusBadge({ state }: { state: string }) {
  const status = statusOf(state);
  const Icon = state === "QUEUED" || state === "PENDING" ? CircleDashed : ICONS[status];
  return (
    <span className={`status status-${status}`} title={STATE_LABEL[state] ?? state} data-state={state}>
      <Icon size={14} aria-hidden className={status === "working" && state !== "QUEUED" ? "spin" : undefined} />
      {STATUS_LABEL[status]}
    </span>
  );
}
