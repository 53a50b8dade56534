import type { ErrorCode } from "@oz/contract";

export interface CatalogueEntry {
  status: number;
  title: string;
  retryable: boolean;
  /** The state a run ends in when this code is raised during execution. */
  runState: "FAILED" | "ERROR";
}

/** One entry per error code of the API. Titles follow the docs' summary phrases. */
export const ERROR_CATALOGUE: Record<ErrorCode, CatalogueEntry> = {
  insufficient_credits: { status: 403, title: "Insufficient credits.", retryable: false, runState: "FAILED" },
  feature_not_available: { status: 403, title: "Feature not available.", retryable: false, runState: "FAILED" },
  external_authentication_required: {
    status: 401,
    title: "External authentication required.",
    retryable: false,
    runState: "FAILED",
  },
  not_authorized: { status: 403, title: "Permission denied.", retryable: false, runState: "FAILED" },
  invalid_request: { status: 400, title: "Invalid request parameters.", retryable: false, runState: "FAILED" },
  resource_not_found: { status: 404, title: "Resource not found.", retryable: false, runState: "FAILED" },
  budget_exceeded: { status: 403, title: "Spending budget exceeded.", retryable: false, runState: "FAILED" },
  integration_disabled: { status: 403, title: "Integration disabled.", retryable: false, runState: "FAILED" },
  integration_not_configured: {
    status: 400,
    title: "Integration not configured.",
    retryable: false,
    runState: "FAILED",
  },
  operation_not_supported: { status: 422, title: "Operation not supported.", retryable: false, runState: "FAILED" },
  environment_setup_failed: { status: 500, title: "Environment setup failed.", retryable: false, runState: "FAILED" },
  content_policy_violation: { status: 403, title: "Content policy violation.", retryable: false, runState: "FAILED" },
  conflict: { status: 409, title: "Conflict with the resource's current state.", retryable: true, runState: "FAILED" },
  authentication_required: { status: 401, title: "API key invalid or expired.", retryable: false, runState: "ERROR" },
  resource_unavailable: { status: 429, title: "Capacity temporarily full.", retryable: true, runState: "ERROR" },
  internal_error: { status: 500, title: "Unexpected error.", retryable: true, runState: "ERROR" },
  infrastructure_timeout: { status: 500, title: "Infrastructure timeout.", retryable: false, runState: "ERROR" },
  agent_process_failed: { status: 500, title: "Agent process failed.", retryable: false, runState: "ERROR" },
};
