import { z } from "zod";
import { Scope, Timestamp, UserProfile } from "./common.ts";
import { CloudEnvironmentConfig } from "./environments.ts";
import { QueryMode } from "./enums.ts";
import { AmbientAgentConfig } from "./run-config.ts";
import { RunMetadata } from "./runs.ts";

// Scheduled agents.

/**
 * 5-field cron, UTC: the shape is checked here; the API parses the fields themselves
 * (`@oz/contract/cron`, which needs cron-parser, kept out of what every client of this package loads).
 */
export const CronSchedule = z
  .string()
  .max(200)
  .refine(
    (cron) => cron.trim().split(/\s+/).filter(Boolean).length === 5,
    "must have 5 fields (minute hour day-of-month month day-of-week), evaluated in UTC",
  )
  .transform((cron) => cron.trim().split(/\s+/).join(" "));

export const ScheduledAgentHistoryItem = z
  .object({
    /** The last time a tick created a run. */
    last_ran: Timestamp.nullable(),
    /** The next fire time; null while paused. */
    next_run: Timestamp.nullable(),
  })
  .meta({ id: "ScheduledAgentHistoryItem" });
export type ScheduledAgentHistoryItem = z.infer<typeof ScheduledAgentHistoryItem>;

export const ScheduledAgentItem = z
  .object({
    id: z.string(),
    name: z.string(),
    cron_schedule: z.string(),
    enabled: z.boolean(),
    prompt: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
    agent_config: AmbientAgentConfig.optional(),
    agent_uid: z.string().optional(),
    created_by: UserProfile.optional(),
    updated_by: UserProfile.optional(),
    environment: CloudEnvironmentConfig.optional(),
    history: ScheduledAgentHistoryItem.optional(),
    last_spawn_error: z.string().nullable().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    mode: QueryMode.optional(),
    scope: Scope.optional(),
  })
  .meta({ id: "ScheduledAgentItem" });
export type ScheduledAgentItem = z.infer<typeof ScheduledAgentItem>;

const scheduleFields = {
  name: z.string().trim().min(1, "name is required").max(200),
  cron_schedule: CronSchedule,
  prompt: z.string().nullish(),
  agent_config: AmbientAgentConfig.nullish(),
  agent_uid: z.string().min(1).nullish(),
  metadata: RunMetadata.nullish(),
  mode: QueryMode.nullish(),
};

/** Body of `POST /agent/schedules`. `null` means absent. */
export const CreateScheduledAgentRequest = z
  .object({ ...scheduleFields, enabled: z.boolean().nullish(), team: z.boolean().nullish() })
  .meta({ id: "CreateScheduledAgentRequest" });
export type CreateScheduledAgentRequest = z.infer<typeof CreateScheduledAgentRequest>;

/** Body of `PUT /agent/schedules/{scheduleId}`: a full replacement, except that an absent `agent_config` keeps it. */
export const UpdateScheduledAgentRequest = z
  .object({ ...scheduleFields, enabled: z.boolean() })
  .meta({ id: "UpdateScheduledAgentRequest" });
export type UpdateScheduledAgentRequest = z.infer<typeof UpdateScheduledAgentRequest>;

export const ScheduleListResponse = z
  .object({ schedules: z.array(ScheduledAgentItem) })
  .meta({ id: "ScheduleListResponse" });
export type ScheduleListResponse = z.infer<typeof ScheduleListResponse>;

export const ScheduleDeleteResponse = z.object({ success: z.boolean() }).meta({ id: "ScheduleDeleteResponse" });

export const ScheduleIdParams = z.object({ scheduleId: z.string() });

// The public redirect helpers.

export const SessionUuidParams = z.object({ sessionUuid: z.string() });
export const ConversationIdParams = z.object({ conversationId: z.string() });

export const SessionCheckRedirectResponse = z
  .object({ conversation_id: z.string().optional() })
  .meta({ id: "SessionCheckRedirectResponse" });
export type SessionCheckRedirectResponse = z.infer<typeof SessionCheckRedirectResponse>;

export const ConversationCheckRedirectResponse = z
  .object({ session_id: z.string().optional() })
  .meta({ id: "ConversationCheckRedirectResponse" });
export type ConversationCheckRedirectResponse = z.infer<typeof ConversationCheckRedirectResponse>;
