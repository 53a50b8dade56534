import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeLlmReply, FakeLlmRequest, FakeLlmStep } from "./script.ts";
import { WIRES, type Wire } from "./wires.ts";

export interface FakeLlmOptions {
  /**
   * When set, requests must carry it (`Authorization: Bearer` for OpenAI, `x-api-key` for Anthropic,
   * `x-goog-api-key` or `?key=` for Gemini) or get 401.
   */
  apiKey?: string;
  /**
   * The address to listen on (default 127.0.0.1). A sandbox reaches the host at the Docker bridge gateway, so a
   * CLI running in one needs `0.0.0.0` (or the gateway's address).
   */
  listen?: string;
}

export interface FakeLlm {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The base URL an OpenAI client takes (`…/v1`; it appends `/chat/completions`). */
  openaiBaseUrl: string;
  /** The base URL an Anthropic client takes (it appends `/v1/messages`). */
  anthropicBaseUrl: string;
  /** The base URL a Gemini client takes (it appends `/v1beta/models/<model>:generateContent`). */
  geminiBaseUrl: string;
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
 * A real local HTTP server speaking the OpenAI chat-completions, OpenAI Responses, Anthropic Messages and Gemini
 * wire formats, streamed (SSE) and not, answering from a script: what tests point real provider clients and
 * CLIs at.
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
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname;
    if (req.method === "GET" && path.endsWith("/models")) return sendJson(res, 200, { object: "list", data: [] });
    const wire = WIRES.find((w) => w.handles(path));
    if (req.method !== "POST" || wire === undefined) {
      return sendJson(res, 404, { error: { message: `fake-llm: no route ${req.method} ${path}` } });
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const request: FakeLlmRequest = {
      format: wire.format,
      path,
      headers: req.headers,
      body,
      stream: wire.streams(url, body),
      toolResults: wire.toolResults(body),
    };
    requests.push(request);
    const n = ++seq;

    if (options.apiKey !== undefined && !wire.carriesKey(req.headers, url, options.apiKey)) {
      return sendError(res, wire, { status: 401, errorMessage: "fake-llm: invalid API key" });
    }
    const step = queue.shift() ?? exhausted;
    const reply = typeof step === "function" ? step(request) : step;
    if (reply.delayMs && !(await waitUnlessClosed(res, reply.delayMs))) return;
    if (reply.status !== undefined && reply.status >= 400) return sendError(res, wire, reply);

    const model = wire.model(url, body) ?? "fake-model";
    const headers = { ...reply.headers };
    if (!request.stream) return sendJson(res, 200, wire.answer(reply, model, n), headers);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
    for (const frame of wire.frames(reply, model, n, body)) res.write(frame);
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, options.listen ?? "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    geminiBaseUrl: url,
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

function sendError(res: ServerResponse, wire: Wire, reply: FakeLlmReply) {
  const status = reply.status ?? 500;
  sendJson(res, status, wire.error(status, reply.errorMessage ?? `fake-llm: HTTP ${status}`), reply.headers);
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
