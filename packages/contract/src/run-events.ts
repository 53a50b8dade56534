import { z } from "zod";
import { Timestamp } from "./common.ts";
import { ErrorCode, QueryMode, RunState } from "./enums.ts";
import { FollowupDelivery } from "./followups.ts";

// Ours: the run transcript. `GET /agent/runs/{runId}/events` and its SSE stream carry these.

/** Payloads by event type. Output text has every secret value redacted before it is stored. */
export const RunEventPayloads = {
  /** The run changed state. */
  state: z.object({ state: RunState, message: z.string().optional(), error_code: ErrorCode.optional() }),
  /** A preparation step (clone, setup command) started or finished. */
  setup_step: z.object({
    step: z.number().int(),
    name: z.string(),
    status: z.enum(["started", "succeeded", "failed"]),
    exit_code: z.number().int().optional(),
    duration_ms: z.number().int().optional(),
    /** Ours: the step ran when the sandbox was prepared for the environment's warm pool, before the run took it. */
    warm_pool: z.boolean().optional(),
  }),
  /** Output of a setup step or of the harness process. */
  output: z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string(), step: z.number().int().optional() }),
  /** A file the run produced. */
  artifact: z.object({
    artifact_uid: z.string(),
    artifact_type: z.string(),
    filename: z.string().optional(),
    size_bytes: z.number().int().optional(),
  }),
  /** Something went wrong; `message` says what to do about it. */
  error: z.object({ message: z.string(), error_code: ErrorCode.optional() }),
  /** A harness-level note (process started, exit code, …). */
  harness: z.object({ message: z.string(), exit_code: z.number().int().optional() }),
  /** What the agent's model said in one turn (the built-in harness). */
  agent_message: z.object({ text: z.string(), turn: z.number().int() }),
  /** A tool the model called; `arguments` as it wrote them (an object, or the raw text when it was not JSON). */
  tool_call: z.object({ call_id: z.string(), name: z.string(), arguments: z.unknown(), turn: z.number().int() }),
  /** What a tool call returned to the model; `is_error` when it failed (bad arguments, missing file …). */
  tool_result: z.object({
    call_id: z.string(),
    name: z.string(),
    is_error: z.boolean(),
    output: z.string(),
    duration_ms: z.number().int(),
  }),
  /** A follow-up message sent to the run, and how it reaches the agent. */
  followup: z.object({ message: z.string(), mode: QueryMode, delivery: FollowupDelivery }),
  /** Tokens one model response used. */
  usage: z.object({
    model: z.string(),
    turn: z.number().int(),
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
  }),
} as const;

export type RunEventType = keyof typeof RunEventPayloads;
export const RunEventType = z.enum(Object.keys(RunEventPayloads) as [RunEventType, ...RunEventType[]]);

export type RunEventPayload<T extends RunEventType> = z.infer<(typeof RunEventPayloads)[T]>;

/** An event as the caller hands it over: the store assigns id, seq and time. */
export type NewRunEvent = { [T in RunEventType]: { type: T; payload: RunEventPayload<T> } }[RunEventType];

export const RunEvent = z
  .object({
    /** Monotonic id across all runs: the SSE `id` and the `after` cursor. */
    id: z.string(),
    /** 1, 2, 3, … within the run. */
    seq: z.number().int(),
    type: z.string(),
    created_at: Timestamp,
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "RunEvent" });
export type RunEvent = z.infer<typeof RunEvent>;

export const RunEventsPage = z
  .object({ events: z.array(RunEvent), has_more: z.boolean() })
  .meta({ id: "RunEventsPage" });

const MAX_EVENT_ID = 2n ** 63n - 1n; // a Postgres bigint

/** An event id as a cursor (`after`, `Last-Event-ID`): decimal digits within Postgres' bigint. */
export const EventIdCursor = z
  .string()
  .regex(/^\d{1,19}$/, "must be an event id (decimal digits)")
  // zod runs this check even after the regex failed: only compare what is digits.
  .refine((v) => !/^\d+$/.test(v) || BigInt(v) <= MAX_EVENT_ID, "is out of range for an event id");

export const RunEventsQuery = z.object({
  /** Only events with an id greater than this. */
  after: EventIdCursor.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
