import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicError, anthropicEvents, anthropicMessage, anthropicToolResults } from "./anthropic-wire.ts";
import { openAiChunks, openAiCompletion, openAiError, openAiToolResults } from "./openai-wire.ts";
import type { FakeLlmReply, FakeLlmRequest, FakeLlmStep } from "./script.ts";

export interface FakeLlmOptions {
  /** When set, requests must carry it (`Authorization: Bearer` for OpenAI, `x-api-key` for Anthropic) or get 401. */
  apiKey?: string;
}

export interface FakeLlm {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The base URL an OpenAI client takes (`…/v1`; it appends `/chat/completions`). */
  openaiBaseUrl: string;
  /** The base URL an Anthropic client takes (it appends `/v1/messages`). */
  anthropicBaseUrl: string;
  /** Appends answers, used one per completion request, in order. */
  script(...steps: FakeLlmStep[]): void;
  /** The answer once the script is used up (default: HTTP 500 "fake-llm: script exhausted"). */
  whenExhausted(step: FakeLlmStep): void;
  /** Every completion request received, in order. */
  readonly requests: readonly FakeLlmRequest[];
  /** Scripted answers not used yet. */
  readonly pending: number;
  close(): Promise<void>;
}

/**
 * A real local HTTP server speaking the OpenAI chat-completions and Anthropic Messages wire formats, streamed
 * (SSE) and not, answering from a script: what tests point real provider clients and CLIs at (DESIGN §5).
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const queue: FakeLlmStep[] = [];
  const requests: FakeLlmRequest[] = [];
  let exhausted: FakeLlmStep = { status: 500, errorMessage: "fake-llm: script exhausted" };
  let seq = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `fake-llm: ${(err as Error).message}` } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    if (req.method === "GET" && path.endsWith("/models")) return sendJson(res, 200, { object: "list", data: [] });
    const format = path.endsWith("/chat/completions") ? "openai" : path.endsWith("/messages") ? "anthropic" : null;
    if (req.method !== "POST" || format === null) {
      return sendJson(res, 404, { error: { message: `fake-llm: no route ${req.method} ${path}` } });
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const request: FakeLlmRequest = {
      format,
      path,
      headers: req.headers,
      body,
      stream: body.stream === true,
      toolResults: format === "openai" ? openAiToolResults(body) : anthropicToolResults(body),
    };
    requests.push(request);
    const n = ++seq;

    if (options.apiKey !== undefined && !carriesKey(request, options.apiKey)) {
      return sendError(res, format, { status: 401, errorMessage: "fake-llm: invalid API key" });
    }
    const step = queue.shift() ?? exhausted;
    const reply = typeof step === "function" ? step(request) : step;
    if (reply.delayMs && !(await waitUnlessClosed(res, reply.delayMs))) return;
    if (reply.status !== undefined && reply.status >= 400) return sendError(res, format, reply);

    const model = typeof body.model === "string" ? body.model : "fake-model";
    const headers = { ...reply.headers };
    if (!request.stream) {
      const answer = format === "openai" ? openAiCompletion(reply, model, n) : anthropicMessage(reply, model, n);
      return sendJson(res, 200, answer, headers);
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
    if (format === "openai") {
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      for (const data of openAiChunks(reply, model, n, includeUsage)) res.write(`data: ${data}\n\n`);
    } else {
      for (const [event, data] of anthropicEvents(reply, model, n))
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    script: (...steps) => void queue.push(...steps),
    whenExhausted: (step) => void (exhausted = step),
    requests,
    get pending() {
      return queue.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function carriesKey(request: FakeLlmRequest, key: string): boolean {
  return request.format === "openai"
    ? request.headers.authorization === `Bearer ${key}`
    : request.headers["x-api-key"] === key;
}

function sendError(res: ServerResponse, format: "openai" | "anthropic", reply: FakeLlmReply) {
  const status = reply.status ?? 500;
  const message = reply.errorMessage ?? `fake-llm: HTTP ${status}`;
  sendJson(
    res,
    status,
    format === "openai" ? openAiError(status, message) : anthropicError(status, message),
    reply.headers,
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Resolves false as soon as the client hangs up (a cancelled request), so nothing is written to a dead socket. */
function waitUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once("close", onClose);
  });
}
