import type { RunState } from "@oz/contract";

/** The management view's statuses: what a person scanning the list cares about. */
export const DISPLAY_STATUSES = ["working", "success", "failed", "cancelled"] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

export const STATES_OF_STATUS: Record<DisplayStatus, RunState[]> = {
  working: ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS"],
  success: ["SUCCEEDED"],
  failed: ["FAILED", "ERROR"],
  cancelled: ["CANCELLED"],
};

export const STATUS_LABEL: Record<DisplayStatus, string> = {
  working: "Working",
  success: "Success",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function statusOf(state: string): DisplayStatus {
  for (const status of DISPLAY_STATUSES) if ((STATES_OF_STATUS[status] as string[]).includes(state)) return status;
  return "working";
}

/** Finer wording for the badge's tooltip and the detail page: "Queued", "Errored", … */
export const STATE_LABEL: Record<string, string> = {
  QUEUED: "Queued",
  PENDING: "Pending",
  CLAIMED: "Starting",
  INPROGRESS: "Running",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  ERROR: "Errored",
  CANCELLED: "Cancelled",
};

/** A run queued this long without a worker taking it is waiting for one (none running, or all busy). */
export const WAITING_FOR_WORKER_AFTER_MS = 15_000;

/**
 * The word for a run's state, finer than the list's filter groups: Queued, Waiting for a worker, Starting,
 * Running, Succeeded, …
 */
export function stateLabel(state: string, createdAt?: string, now = Date.now()): string {
  if (state === "QUEUED" && createdAt && now - Date.parse(createdAt) > WAITING_FOR_WORKER_AFTER_MS) {
    return "Waiting for a worker";
  }
  return STATE_LABEL[state] ?? state;
}
