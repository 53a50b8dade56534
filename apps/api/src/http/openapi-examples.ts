import type {
  AgentRunParams,
  AgentRunResponse,
  CreateScheduledAgentRequest,
  ErrorCode,
  Problem,
  RunsPage,
  ScheduledAgentItem,
  ScheduleListResponse,
} from "@oz/contract";
import { ApiError, ERROR_CATALOGUE, toProblem } from "@oz/errors";

/** What a reader of the reference sees for one operation: a request body and a success body. */
export interface OperationExamples {
  request?: { summary: string; value: unknown };
  response?: { summary: string; value: unknown };
}

const RUN_ID = "0b7c2f64-5d0e-4f55-9b8e-2f8a61c1d3a7";

/** A run of the `command` harness: no model needed, the command's exit code decides the outcome. */
const COMMAND_RUN: AgentRunParams = {
  prompt: "Run the test suite",
  title: "Nightly tests",
  config: { harness: { type: "command", command: "make test" } },
};

const ACCEPTED: AgentRunResponse = { run_id: RUN_ID, task_id: RUN_ID, state: "QUEUED", at_capacity: false };

const LIST_PAGE: RunsPage = {
  runs: [
    {
      run_id: RUN_ID,
      task_id: RUN_ID,
      title: "Nightly tests",
      prompt: "Run the test suite",
      state: "SUCCEEDED",
      created_at: "2026-12-03T02:00:00Z",
      updated_at: "2026-12-03T02:00:41Z",
      started_at: "2026-12-03T02:00:01Z",
      source: "API",
      agent_config: { harness: { type: "command", command: "make test" } },
      artifacts: [],
      is_sandbox_running: false,
      run_time: "PT40S",
      status_message: { message: "The command exited with code 0." },
    },
  ],
  page_info: { has_next_page: true, next_cursor: "eyJjIjoiMjAyNi0xMi0wM1QwMjowMDowMFoifQ" },
};

/** A schedule running the command harness every weekday at 06:00 UTC. */
const NIGHTLY_SCHEDULE: CreateScheduledAgentRequest = {
  name: "Nightly tests",
  cron_schedule: "0 6 * * 1-5",
  prompt: "Run the test suite",
  agent_config: { harness: { type: "command", command: "make test" } },
  metadata: { suite: "nightly" },
};

const SCHEDULE_ITEM: ScheduledAgentItem = {
  id: "Sc7hN2kQ9vLm4Xp1Rt8Wz3",
  name: "Nightly tests",
  cron_schedule: "0 6 * * 1-5",
  enabled: true,
  prompt: "Run the test suite",
  created_at: "2026-12-01T09:12:00Z",
  updated_at: "2026-12-01T09:12:00Z",
  agent_config: { harness: { type: "command", command: "make test" } },
  created_by: { uid: "u8Jk2LmN4pQr6StUvWxYz1", type: "user", display_name: "Ada", email: "ada@example.com" },
  updated_by: { uid: "u8Jk2LmN4pQr6StUvWxYz1", type: "user", display_name: "Ada", email: "ada@example.com" },
  history: { last_ran: "2026-12-03T06:00:00.412Z", next_run: "2026-12-04T06:00:00.000Z" },
  last_spawn_error: null,
  metadata: { suite: "nightly" },
  mode: "normal",
  scope: { type: "Team", uid: "Xq3Lb9TtVbP0cW2mYk7aRz" },
};

const SCHEDULE_LIST: ScheduleListResponse = { schedules: [SCHEDULE_ITEM] };

/** Examples by `<METHOD> <path>` as the OpenAPI document names operations. */
export const OPERATION_EXAMPLES: Record<string, OperationExamples> = {
  "post /api/v1/agent/runs": {
    request: { summary: "A command run", value: COMMAND_RUN },
    response: { summary: "The run, accepted and queued", value: ACCEPTED },
  },
  "get /api/v1/agent/runs": { response: { summary: "A page of runs, with the cursor of the next", value: LIST_PAGE } },
  "post /api/v1/agent/schedules": {
    request: { summary: "Tests every weekday at 06:00 UTC", value: NIGHTLY_SCHEDULE },
    response: { summary: "The schedule, with its next fire time", value: SCHEDULE_ITEM },
  },
  "get /api/v1/agent/schedules": {
    response: { summary: "Every schedule the caller can see, by name", value: SCHEDULE_LIST },
  },
};

/** What a request might have got wrong for each code, to make the examples read like real answers. */
const EXAMPLE_DETAILS: Partial<Record<ErrorCode, string>> = {
  invalid_request: "config.harness.command: Required",
  resource_not_found: `Run ${RUN_ID} not found.`,
  authentication_required: "The API key is missing, invalid or revoked.",
  not_authorized: "A cloud agent's key cannot change environments.",
  resource_unavailable: "Too many sign-in attempts; try again in 4 seconds.",
  conflict: "The run has already ended.",
};

/** One example problem document per error code, as the server would send it (OpenAPI `components.examples`). */
export function problemExamples(typeBase: string): Record<string, { summary: string; value: Problem }> {
  const examples: Record<string, { summary: string; value: Problem }> = {};
  for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
    const error = new ApiError(code, EXAMPLE_DETAILS[code]);
    examples[code] = {
      summary: code,
      value: toProblem(error, undefined, "4bf92f3577b34da6a3ce929d0e0e4736", typeBase),
    };
  }
  return examples;
}

/** References to the examples of the error codes answered with `status`. */
export function problemExampleRefs(status: number): Record<string, { $ref: string }> {
  const refs: Record<string, { $ref: string }> = {};
  for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
    if (ERROR_CATALOGUE[code].status === status) refs[code] = { $ref: `#/components/examples/${code}` };
  }
  return refs;
}
