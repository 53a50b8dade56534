import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "@oz/contract";
import { createGuardedFetch, EgressRefusedError, type EgressPolicy } from "@oz/egress";
import type { Sandbox } from "@oz/sandbox";
import { ToolError, type AgentTool } from "../agent-tool.ts";
import { capText } from "../capped-text.ts";
import { SandboxStdioTransport } from "./sandbox-stdio-transport.ts";

/** A configured MCP server that could not be started or reached; the run FAILS environment_setup_failed. */
export class McpServerStartError extends Error {
  override name = "McpServerStartError";
  constructor(
    readonly server: string,
    reason: string,
  ) {
    super(`MCP server "${server}" failed to start: ${reason}`);
  }
}

export interface McpServersContext {
  sandbox: Sandbox;
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  startTimeoutMs: number;
  toolTimeoutMs: number;
  /**
   * Where url servers may be (the worker connects to them): private, loopback and link-local addresses are
   * refused unless allow-listed. Absent: the run has no network, and url servers are refused.
   */
  egress?: EgressPolicy;
}

export interface ConnectedMcpServers {
  /** Every server's tools, named `mcp__<server>__<tool>`. */
  tools: AgentTool[];
  /** One line per server for the transcript: its name and tools. */
  summaries: string[];
  close(): Promise<void>;
}

const MCP_RESULT_LIMIT = 64 * 1024;

/**
 * Connects to the run's MCP servers and offers their tools: stdio servers run inside the
 * sandbox, url servers are reached over Streamable HTTP (falling back to the older SSE transport).
 * All or nothing: when one fails, the others are closed and the failure names it.
 */
export async function connectMcpServers(
  servers: Record<string, McpServerConfig> | undefined,
  ctx: McpServersContext,
): Promise<ConnectedMcpServers> {
  const entries = Object.entries(servers ?? {});
  const settled = await Promise.allSettled(entries.map(([name, config]) => connectServer(name, config, ctx)));
  const clients = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const close = async () => void (await Promise.allSettled(clients.map((c) => c.client.close())));
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) {
    await close();
    throw failed.reason;
  }

  const tools: AgentTool[] = [];
  const taken = new Set<string>();
  for (const { name, client, listed } of clients) {
    for (const tool of listed)
      tools.push(mcpTool(uniqueName(toolName(name, tool.name), taken), name, tool, client, ctx));
  }
  const summaries = clients.map(
    ({ name, listed }) => `MCP server ${name}: ${listed.map((t) => t.name).join(", ") || "no tools"}`,
  );
  return { tools, summaries, close };
}

async function connectServer(name: string, config: McpServerConfig, ctx: McpServersContext) {
  const options = { signal: ctx.signal, timeout: ctx.startTimeoutMs };
  const client = new Client({ name: "oz-selfhost", version: "0.1.0" });
  if (config.command !== undefined) {
    const transport = new SandboxStdioTransport(
      ctx.sandbox,
      { command: config.command, args: config.args ?? [], env: { ...ctx.env, ...config.env }, cwd: ctx.cwd },
      ctx.signal,
    );
    try {
      await client.connect(transport, options);
    } catch (err) {
      await client.close().catch(() => undefined);
      const stderr = transport.stderrTail();
      const reason = transport.exitReason ?? (err as Error).message;
      throw new McpServerStartError(name, stderr ? `${reason}: ${stderr}` : reason);
    }
  } else if (config.url !== undefined) {
    if (!ctx.egress) {
      throw new McpServerStartError(name, "the environment has no network (network: none), so url servers are off");
    }
    await connectOverHttp(name, client, config.url, config.headers ?? {}, { ...options, egress: ctx.egress });
  } else {
    throw new McpServerStartError(
      name,
      "shared MCP servers (warp_id) are not available on a self-hosted server; configure it with command or url",
    );
  }
  try {
    return { name, client, listed: await listTools(client, options) };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new McpServerStartError(name, `could not list its tools: ${(err as Error).message}`);
  }
}

async function connectOverHttp(
  name: string,
  client: Client,
  url: string,
  headers: Record<string, string>,
  options: { signal: AbortSignal; timeout: number; egress: EgressPolicy },
) {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new McpServerStartError(name, `"${url}" is not a URL`);
  }
  // Every request (the SDK's and the SSE stream's) connects only to an address the policy allows.
  const fetch = createGuardedFetch(options.egress);
  const attempts: [string, () => Transport][] = [
    ["Streamable HTTP", () => new StreamableHTTPClientTransport(endpoint, { requestInit: { headers }, fetch })],
    ["SSE", () => new SSEClientTransport(endpoint, { requestInit: { headers }, fetch })],
  ];
  const failures: string[] = [];
  for (const [kind, transport] of attempts) {
    try {
      await client.connect(transport(), options);
      return;
    } catch (err) {
      await client.close().catch(() => undefined);
      if (options.signal.aborted) throw err;
      const refused = egressRefusal(err);
      if (refused) throw new McpServerStartError(name, refused.message);
      failures.push(`${kind}: ${failureReason(err)}`);
    }
  }
  throw new McpServerStartError(
    name,
    `could not connect to ${endpoint.origin}${endpoint.pathname} (${failures.join("; ")})`,
  );
}

function egressRefusal(err: unknown): EgressRefusedError | undefined {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof EgressRefusedError) return e;
  return undefined;
}

/**
 * Why a connection failed, without anything the server sent: its body would land in the run's status message,
 * turning a url server into a way to read any address the worker can reach. The HTTP status, or the network
 * error's code, is enough to act on.
 */
function failureReason(err: unknown): string {
  const status = (err as { code?: unknown }).code;
  if (typeof status === "number" && status > 0) return `HTTP ${status}`;
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return err instanceof Error ? err.name : "unknown error";
}

async function listTools(client: Client, options: { signal: AbortSignal; timeout: number }): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, options);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

function mcpTool(name: string, server: string, tool: Tool, client: Client, ctx: McpServersContext): AgentTool {
  return {
    spec: {
      name,
      description: tool.description ?? `${tool.name} (MCP server ${server})`,
      parameters: { ...tool.inputSchema, type: "object" },
    },
    async run(args, signal) {
      let result: CallToolResult;
      try {
        result = (await client.callTool({ name: tool.name, arguments: args }, undefined, {
          signal,
          timeout: ctx.toolTimeoutMs,
        })) as CallToolResult;
      } catch (err) {
        throw new ToolError(`MCP server ${server}: ${(err as Error).message}`);
      }
      const text = capText(resultText(result), MCP_RESULT_LIMIT, "ask the tool for less");
      if (result.isError) throw new ToolError(text);
      return text;
    },
  };
}

/** The model reads text: text parts as they are, structured content as JSON, anything else as a note. */
function resultText(result: CallToolResult): string {
  const parts = result.content.map((part) => {
    switch (part.type) {
      case "text":
        return part.text;
      case "resource":
        return "text" in part.resource ? part.resource.text : `[resource ${part.resource.uri}]`;
      case "resource_link":
        return `[resource ${part.uri}]`;
      default:
        return `[${part.type} content (${"mimeType" in part ? part.mimeType : "binary"}) not shown]`;
    }
  });
  if (parts.length === 0 && result.structuredContent) return JSON.stringify(result.structuredContent);
  return parts.join("\n");
}

/** Provider tool names allow [A-Za-z0-9_-] and 64 characters. */
function toolName(server: string, tool: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");
  return `mcp__${clean(server)}__${clean(tool)}`.slice(0, 64);
}

function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name.slice(0, 60)}_${n}`;
  taken.add(unique);
  return unique;
}
