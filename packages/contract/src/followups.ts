import { z } from "zod";
import { QueryMode } from "./enums.ts";

// Follow-up messages to a run, and the handoff snapshot files of its last execution.

/** Body of `POST /agent/runs/{runId}/followups`. A missing or blank `message` is refused (400). */
export const RunSubmitFollowupParams = z
  .object({
    message: z.string().nullish(),
    /** Default `normal`; never inferred from the message's text. */
    mode: QueryMode.nullish(),
  })
  .meta({ id: "RunSubmitFollowupParams" });
export type RunSubmitFollowupParams = z.infer<typeof RunSubmitFollowupParams>;

/** The follow-up was accepted (contract D8: `{}`); progress shows in `GET /agent/runs/{runId}`. */
export const RunSubmitFollowupResponse = z.object({}).meta({ id: "RunSubmitFollowupResponse" });

/** How a follow-up reaches the agent, by the run's state when it was sent. */
export const FollowupDelivery = z.enum([
  /** Queued or pending: added to the prompt the agent starts with. */
  "with_prompt",
  /** Running: handed to the live agent (or, for a harness that takes no input while running, to the next execution). */
  "live",
  /** Ended: a new execution of the run continues the conversation with it. */
  "new_execution",
]);
export type FollowupDelivery = z.infer<typeof FollowupDelivery>;

export const HandoffAttachment = z.object({
  attachment_id: z.string(),
  /** Time-limited. */
  download_url: z.string(),
  filename: z.string(),
  mime_type: z.string().optional(),
});

export const RunListHandoffAttachmentsResponse = z
  .object({ attachments: z.array(HandoffAttachment) })
  .meta({ id: "RunListHandoffAttachmentsResponse" });
export type RunListHandoffAttachmentsResponse = z.infer<typeof RunListHandoffAttachmentsResponse>;
