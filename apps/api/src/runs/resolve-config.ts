import {
  CredentialStrategy,
  Harness,
  HarnessAuthSecrets,
  InferenceProviders,
  McpServerConfig,
  type AgentRunParams,
  type AmbientAgentConfig,
} from "@oz/contract";
import type { Agent } from "@oz/db";
import { invalid } from "@oz/errors";
import { assertKnownModel, type ModelCatalogue } from "@oz/llm";
import { skillNameFromSpec } from "@oz/skills";
import { z } from "zod";

/** What a cloud agent contributes to the runs it executes. */
export type AgentDefaults = Pick<
  Agent,
  | "prompt"
  | "baseModel"
  | "harness"
  | "harnessAuthSecrets"
  | "inferenceProviders"
  | "credentialStrategy"
  | "defaultRunnerUid"
  | "environmentId"
  | "mcpServers"
  | "workerHost"
>;

const DEFAULT_IDLE_TIMEOUT_MINUTES = 10;
const McpServers = z.record(z.string(), McpServerConfig);

/**
 * The configuration a run is recorded with, resolved once at creation with the precedence of contract
 * The request's value, then the executing agent's default, then the platform default. Pure: the
 * caller checks that referenced resources (the environment) exist.
 */
export function resolveRunConfig(params: AgentRunParams, agent?: AgentDefaults): AmbientAgentConfig {
  const requested = params.config ?? {};
  const skills = resolveSkills(params.skill, requested);
  const harness = requested.harness && Object.keys(requested.harness).length > 0 ? requested.harness : undefined;
  const agentHarness = parseStored(Harness, agent?.harness);

  return compact({
    name: nonEmpty(requested.name) ?? (skills.skillSpec ? skillNameFromSpec(skills.skillSpec) : undefined),
    base_prompt: nonEmpty(requested.base_prompt) ?? nonEmpty(agent?.prompt),
    model_id: nonEmpty(requested.model_id) ?? nonEmpty(agent?.baseModel),
    environment_id: nonEmpty(requested.environment_id) ?? nonEmpty(agent?.environmentId),
    skill_spec: skills.skillSpec,
    skills: skills.skills,
    mcp_servers: mergeRecords(parseStored(McpServers, agent?.mcpServers), requested.mcp_servers),
    computer_use_enabled: requested.computer_use_enabled ?? true,
    computer_use_model_id: nonEmpty(requested.computer_use_model_id),
    harness: resolveHarness(harness ?? agentHarness),
    harness_auth_secrets: resolveHarnessSecrets(
      parseStored(HarnessAuthSecrets, agent?.harnessAuthSecrets),
      harness,
      requested.harness_auth_secrets,
    ),
    idle_timeout_minutes: requested.idle_timeout_minutes ?? DEFAULT_IDLE_TIMEOUT_MINUTES,
    worker_host: nonEmpty(requested.worker_host?.trim()) ?? nonEmpty(agent?.workerHost?.trim()),
    runner_id: nonEmpty(requested.runner_id) ?? nonEmpty(agent?.defaultRunnerUid),
    credential_strategy:
      requested.credential_strategy ?? parseStored(CredentialStrategy, agent?.credentialStrategy) ?? "EXECUTOR",
    inference_providers: requested.inference_providers ?? parseStored(InferenceProviders, agent?.inferenceProviders),
    memory_stores: requested.memory_stores,
    session_sharing: requested.session_sharing,
  });
}

/**
 * A run of the built-in harness needs a model this server knows: with an empty catalogue it could only end
 * FAILED later, so it is refused now, and so is a `model_id` outside the catalogue. Other harnesses bring
 * their own model, so their `model_id` is theirs to interpret.
 */
export function assertModelAvailable(catalogue: ModelCatalogue, config: AmbientAgentConfig): void {
  if (config.harness?.type !== "oz") return;
  if (catalogue.models.length === 0) {
    throw invalid(
      "config.harness: the built-in oz harness needs a model, and this server has none configured; an operator " +
        "sets OZ_MODELS_FILE or OZ_MODELS (see GET /api/v1/models), or use the command harness " +
        '(config.harness = {"type": "command", "command": "…"}) to run a command instead',
    );
  }
  assertKnownModel(catalogue, config.model_id);
}

/**
 * `skill` wins over `config.skill_spec`; `config.skill_spec` and `config.skills` are mutually exclusive; the
 * resolved `skill_spec` is the primary skill (the first of `skills`) for older readers.
 */
function resolveSkills(skill: string | null | undefined, config: AmbientAgentConfig) {
  const listed = config.skills?.map((s) => s.trim()).filter(Boolean) ?? [];
  const spec = nonEmpty(config.skill_spec?.trim());
  if (spec && listed.length > 0) {
    throw invalid("config.skill_spec and config.skills are mutually exclusive; send one of them");
  }
  const primary = nonEmpty(skill?.trim());
  if (listed.length > 0) {
    const skills = primary ? [primary, ...listed.filter((s) => s !== primary)] : listed;
    return { skillSpec: skills[0], skills };
  }
  return { skillSpec: primary ?? spec, skills: undefined };
}

function resolveHarness(harness: Harness | undefined): Harness {
  // The compat `auth_secret_name` is moved into harness_auth_secrets, so it is not kept here.
  const { auth_secret_name: _legacySecret, ...rest } = harness ?? {};
  return compact({ ...rest, type: rest.type ?? "oz" });
}

/** Compatibility: an older client's `harness.auth_secret_name` is the secret of its harness type. */
function resolveHarnessSecrets(
  fromAgent: HarnessAuthSecrets | undefined,
  harness: Harness | undefined,
  requested: HarnessAuthSecrets | undefined,
): HarnessAuthSecrets | undefined {
  const legacy: HarnessAuthSecrets = {};
  if (harness?.auth_secret_name && harness.type === "claude") legacy.claude_auth_secret_name = harness.auth_secret_name;
  if (harness?.auth_secret_name && harness.type === "codex") legacy.codex_auth_secret_name = harness.auth_secret_name;
  if (harness?.auth_secret_name && harness.type === "gemini") legacy.gemini_auth_secret_name = harness.auth_secret_name;
  const merged = compact({ ...fromAgent, ...legacy, ...compact(requested ?? {}) });
  return Object.keys(merged).length > 0 ? merged : undefined;
}
type HarnessAuthSecrets = z.infer<typeof HarnessAuthSecrets>;

/** Run-level entries take precedence over the agent's. */
function mergeRecords<T>(base: Record<string, T> | undefined, over: Record<string, T> | undefined) {
  if (!base && !over) return undefined;
  return { ...base, ...over };
}

/** Agent defaults are stored JSON; a value that no longer fits the contract is ignored, not fatal. */
function parseStored<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> | undefined {
  if (value === null || value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const nonEmpty = (value: string | null | undefined): string | undefined => (value ? value : undefined);

/** Drops `undefined` members so stored JSON and responses omit unset members. */
export function compact<T extends object>(value: T): T {
  // A plain loop (several times faster than entries/filter/fromEntries): every run of a page comes through here.
  const kept: Record<string, unknown> = {};
  for (const key in value) {
    const member = value[key];
    if (member !== undefined) kept[key] = member;
  }
  return kept as T;
}
