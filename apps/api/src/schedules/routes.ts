import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateScheduledAgentRequest,
  Problem,
  ScheduleDeleteResponse,
  ScheduledAgentItem,
  ScheduleIdParams,
  ScheduleListResponse,
  UpdateScheduledAgentRequest,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf, requireHuman } from "../http/auth.ts";
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  setScheduleEnabled,
  updateSchedule,
  type ScheduleServiceDeps,
} from "./service.ts";

const tags = ["schedules"];
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const writer = "create, change or delete scheduled agents";

/** `/agent/schedules`. Agent keys may read schedules but not write them. */
export const scheduleRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const service: ScheduleServiceDeps = {
    db: deps.db,
    triggers: deps.scheduleTriggers,
    onTriggerSyncError: (err, scheduleId) =>
      app.log.warn({ scheduleId, err: err.message }, "schedule saved but its trigger not updated; the reconciler will"),
  };

  app.post(
    "/agent/schedules",
    {
      schema: {
        operationId: "createSchedule",
        summary: "Create a scheduled agent",
        description:
          "`cron_schedule` is a 5-field cron expression evaluated in UTC. `prompt` is required unless " +
          "`agent_config.skill_spec` or `agent_config.skills` is given; `agent_uid` only on team schedules.",
        tags,
        body: CreateScheduledAgentRequest,
        response: { 200: ScheduledAgentItem, ...errors },
      },
    },
    async (request) => createSchedule(service, requireHuman(request, writer), request.body),
  );

  app.get(
    "/agent/schedules",
    {
      schema: {
        operationId: "listSchedules",
        summary: "List scheduled agents",
        description: "Every schedule the caller can see (its team's and its own), alphabetically by name.",
        tags,
        response: { 200: ScheduleListResponse, 401: Problem },
      },
    },
    async (request) => ({ schedules: await listSchedules(service, principalOf(request)) }),
  );

  app.get(
    "/agent/schedules/:scheduleId",
    {
      schema: {
        operationId: "retrieveSchedule",
        summary: "Retrieve a scheduled agent",
        tags,
        params: ScheduleIdParams,
        response: { 200: ScheduledAgentItem, 401: Problem, 404: Problem },
      },
    },
    async (request) => getSchedule(service, principalOf(request), request.params.scheduleId),
  );

  app.put(
    "/agent/schedules/:scheduleId",
    {
      schema: {
        operationId: "updateSchedule",
        summary: "Replace a scheduled agent",
        description:
          "A full replacement: `name`, `cron_schedule` and `enabled` are required; an absent `prompt`, " +
          "`agent_uid`, `metadata` or `mode` is cleared, an absent `agent_config` keeps the current one.",
        tags,
        params: ScheduleIdParams,
        body: UpdateScheduledAgentRequest,
        response: { 200: ScheduledAgentItem, ...errors },
      },
    },
    async (request) => updateSchedule(service, requireHuman(request, writer), request.params.scheduleId, request.body),
  );

  app.delete(
    "/agent/schedules/:scheduleId",
    {
      schema: {
        operationId: "deleteSchedule",
        summary: "Delete a scheduled agent",
        description: "Stops future runs; runs already created stay. A second delete is a 404.",
        tags,
        params: ScheduleIdParams,
        response: { 200: ScheduleDeleteResponse, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      await deleteSchedule(service, requireHuman(request, writer), request.params.scheduleId);
      return { success: true };
    },
  );

  for (const [action, enabled] of [
    ["pause", false],
    ["resume", true],
  ] as const) {
    app.post(
      `/agent/schedules/:scheduleId/${action}`,
      {
        schema: {
          operationId: enabled ? "resumeSchedule" : "pauseSchedule",
          summary: enabled ? "Resume a scheduled agent" : "Pause a scheduled agent",
          description: enabled
            ? "No body. Sets `enabled: true` and computes the next fire time; resuming an active schedule is a no-op."
            : "No body. Sets `enabled: false`: no runs until resumed; pausing a paused schedule is a no-op.",
          tags,
          params: ScheduleIdParams,
          response: { 200: ScheduledAgentItem, 401: Problem, 403: Problem, 404: Problem },
        },
      },
      async (request) => setScheduleEnabled(service, requireHuman(request, writer), request.params.scheduleId, enabled),
    );
  }
};
