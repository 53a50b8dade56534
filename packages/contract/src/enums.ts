import { z } from "zod";

// The API's enumerations, in the Oz API's own order: the dashboard shows them in this order.

export const RunState = z.enum([
  "QUEUED",
  "PENDING",
  "CLAIMED",
  "INPROGRESS",
  "SUCCEEDED",
  "FAILED",
  "BLOCKED",
  "ERROR",
  "CANCELLED",
]);
export type RunState = z.infer<typeof RunState>;

export const RunSourceType = z.enum([
  "LINEAR",
  "API",
  "SLACK",
  "LOCAL",
  "SCHEDULED_AGENT",
  "WEB_APP",
  "GITHUB_ACTION",
  "CLOUD_MODE",
  "CLI",
  "JIRA",
  "SELF_IMPROVEMENT",
  "GITHUB_WEBHOOK",
  "GITLAB_WEBHOOK",
  "AUTOFIX",
  "RUN_SCORER",
  "ORCHESTRATION",
]);
export type RunSourceType = z.infer<typeof RunSourceType>;

export const ExecutionLocation = z.enum(["LOCAL", "REMOTE"]);
export type ExecutionLocation = z.infer<typeof ExecutionLocation>;

export const QueryMode = z.enum(["normal", "plan", "orchestrate"]);
export type QueryMode = z.infer<typeof QueryMode>;

export const ArtifactType = z.enum(["PLAN", "PULL_REQUEST", "SCREENSHOT", "FILE", "EXTERNAL_REFERENCE"]);
export type ArtifactType = z.infer<typeof ArtifactType>;

/** `command` is ours: run a shell command in the sandbox (scripted CI automation). */
export const HarnessType = z.enum(["oz", "claude", "gemini", "codex", "command"]);
export type HarnessType = z.infer<typeof HarnessType>;

export const CredentialStrategy = z.enum(["EXECUTOR", "CREATOR"]);
export type CredentialStrategy = z.infer<typeof CredentialStrategy>;

export const AgentType = z.enum(["FOREMAN", "TRIAGE", "SPEC", "IMPLEMENT", "REVIEW", "VERIFY", "CUSTOM"]);
export type AgentType = z.infer<typeof AgentType>;

export const ScopeType = z.enum(["User", "Team"]);
export type ScopeType = z.infer<typeof ScopeType>;

export const PrincipalType = z.enum(["user", "service_account"]);
export type PrincipalType = z.infer<typeof PrincipalType>;

export const ErrorCode = z.enum([
  "insufficient_credits",
  "feature_not_available",
  "external_authentication_required",
  "not_authorized",
  "invalid_request",
  "resource_not_found",
  "budget_exceeded",
  "integration_disabled",
  "integration_not_configured",
  "operation_not_supported",
  "environment_setup_failed",
  "content_policy_violation",
  "conflict",
  "authentication_required",
  "resource_unavailable",
  "internal_error",
  "infrastructure_timeout",
  "agent_process_failed",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
