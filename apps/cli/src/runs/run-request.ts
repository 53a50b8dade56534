import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { AgentRunParams, AmbientAgentConfig, McpServerConfig } from "@oz/contract";
import { CliError, EXIT } from "../errors.ts";
import { parseKeyValues } from "../options.ts";
import { loadLazyModules } from "./load-lazy-modules.ts";

/** The flags of `oz agent run-cloud` that shape the request. */
export interface RunCloudFlags {
  prompt?: string;
  /** `--no-environment` gives `false`. */
  environment?: string | false;
  name?: string;
  skill?: string;
  model?: string;
  mcp?: string[];
  host?: string;
  attach?: string[];
  computerUse?: boolean;
  file?: string;
  title?: string;
  metadata?: string[];
  mode?: string;
}

const MAX_ATTACHMENTS = 5;

/**
 * Builds the body of `POST /agent/runs`: the `--file` config first, then every flag given on top of it, then
 * the whole body checked against the contract's schema, so a mistake is reported before anything is sent.
 */
export async function buildRunRequest(flags: RunCloudFlags, readStdin: () => Promise<string>): Promise<AgentRunParams> {
  const contract = await loadLazyModules();
  const config: AmbientAgentConfig = flags.file ? await loadConfigFile(flags.file, contract.AmbientAgentConfig) : {};

  if (flags.environment === false) delete config.environment_id;
  else if (flags.environment) config.environment_id = flags.environment;
  if (flags.name) config.name = flags.name;
  if (flags.model) config.model_id = flags.model;
  if (flags.host) config.worker_host = flags.host;
  if (flags.computerUse !== undefined) config.computer_use_enabled = flags.computerUse;
  if (flags.mcp?.length) {
    config.mcp_servers = { ...config.mcp_servers };
    for (const [i, spec] of flags.mcp.entries()) Object.assign(config.mcp_servers, await parseMcp(spec, i));
  }

  const prompt = flags.prompt === "-" ? (await readStdin()).trim() : flags.prompt;
  const body: Record<string, unknown> = {
    prompt,
    skill: flags.skill,
    title: flags.title,
    mode: flags.mode,
    config: Object.keys(config).length > 0 ? config : undefined,
    metadata: flags.metadata?.length ? parseKeyValues(flags.metadata, "--metadata") : undefined,
    attachments: flags.attach?.length ? await readAttachments(flags.attach) : undefined,
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];

  const checked = contract.AgentRunParams.safeParse(body);
  if (!checked.success) throw notStarted(`invalid run: ${describeIssues(checked.error.issues)}`);
  return checked.data;
}

type Schema<T> = {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Issue[] } };
};
type Issue = { path: PropertyKey[]; message: string };

/** A YAML or JSON file holding the run's `config` object (`environment_id`, `harness`, `mcp_servers`, …). */
async function loadConfigFile(path: string, schema: Schema<AmbientAgentConfig>): Promise<AmbientAgentConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw notStarted(`--file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    parsed = (await loadLazyModules()).parseYaml(text);
  } catch (error) {
    throw notStarted(`--file ${path}: not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  const checked = schema.safeParse(parsed);
  if (!checked.success) throw notStarted(`--file ${path}: ${describeIssues(checked.error.issues)}`);
  return checked.data;
}

/** `--mcp`: a shared server's UUID, inline JSON, or a JSON file; one server or a map of name → server. */
async function parseMcp(spec: string, index: number): Promise<Record<string, McpServerConfig>> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(spec))
    return { [spec]: { warp_id: spec } };
  let value: unknown;
  try {
    value = JSON.parse(spec.trimStart().startsWith("{") ? spec : await readFile(spec, "utf8"));
  } catch (error) {
    throw notStarted(`--mcp ${spec}: expected a UUID, JSON or a JSON file (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null) throw notStarted(`--mcp ${spec}: expected a JSON object`);
  const object = value as Record<string, unknown>;
  if ("command" in object || "url" in object || "warp_id" in object) {
    const { name, ...server } = object;
    const fallback = typeof object.command === "string" ? basename(object.command) : `mcp-${index + 1}`;
    return { [typeof name === "string" ? name : fallback]: server as McpServerConfig };
  }
  return (object.mcpServers ?? object) as Record<string, McpServerConfig>;
}

const MIME_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
  ".json": "application/json",
  ".md": "text/markdown",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".log": "text/plain",
};

async function readAttachments(paths: string[]) {
  if (paths.length > MAX_ATTACHMENTS) throw notStarted(`--attach: at most ${MAX_ATTACHMENTS} files`);
  return Promise.all(
    paths.map(async (path) => {
      let data: Buffer;
      try {
        data = await readFile(path);
      } catch (error) {
        throw notStarted(`--attach ${path}: ${(error as Error).message}`);
      }
      const mime = MIME_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
      return { data: data.toString("base64"), file_name: basename(path), mime_type: mime };
    }),
  );
}

function describeIssues(issues: Issue[]) {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
}

const notStarted = (message: string) => new CliError(message, EXIT.couldNotStart);
