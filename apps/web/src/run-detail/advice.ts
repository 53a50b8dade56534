import type { ErrorCode } from "@oz/contract";

/** What to do about a run's error code, in the words of someone helping. */
export const ADVICE: Record<ErrorCode, string> = {
  insufficient_credits: "The team is out of credits. Add credits, then start the run again.",
  feature_not_available: "This feature is not enabled for the team. Ask an admin, or run without it.",
  external_authentication_required: "Connect the integration's account (see the link in the message), then retry.",
  not_authorized: "You or the agent lack permission for this. Ask a team admin to grant it.",
  invalid_request: "The run's configuration is invalid. Fix the field named in the message and start it again.",
  resource_not_found: "Something the run refers to (agent, environment, secret) no longer exists. Pick another one.",
  budget_exceeded: "The spending budget is used up. Raise it or wait for the next period.",
  integration_disabled: "The integration is disabled. Enable it in its settings, then retry.",
  integration_not_configured: "The integration is not set up yet. Configure it, then retry.",
  operation_not_supported: "This run type does not support that operation.",
  environment_setup_failed:
    "A setup step failed: open it below to read its output, fix the environment (image, repository, setup command) and run again.",
  content_policy_violation: "The model refused the prompt. Rephrase the task and try again.",
  conflict: "The run changed meanwhile. Reload the page and try again.",
  authentication_required: "Credentials expired or are missing. Check the agent's secrets and API keys.",
  resource_unavailable: "The platform was at capacity. Start the run again in a moment.",
  internal_error:
    "Something broke on our side. Start the run again; if it keeps failing, share the run ID with an admin.",
  infrastructure_timeout:
    "The run hit its maximum runtime. Break the task into smaller runs or raise the limit in the environment.",
  agent_process_failed:
    "The agent process crashed or was killed (for example out of memory). Check the output below; raise the environment's memory limit if it ran out.",
};
