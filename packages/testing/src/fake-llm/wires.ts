import type { IncomingHttpHeaders } from "node:http";
import { anthropicError, anthropicEvents, anthropicMessage, anthropicToolResults } from "./anthropic-wire.ts";
import { geminiChunks, geminiError, geminiModelOf, geminiResponse, geminiToolResults } from "./gemini-wire.ts";
import { openAiChunks, openAiCompletion, openAiError, openAiToolResults } from "./openai-wire.ts";
import { responsesError, responsesEvents, responsesObject, responsesToolResults } from "./responses-wire.ts";
import type { FakeLlmFormat, FakeLlmReply, FakeToolResult } from "./script.ts";

/** One wire format: which requests are its completions, and how it answers them. */
export interface Wire {
  format: FakeLlmFormat;
  /** A POST to this path is a completion request in this format. */
  handles(path: string): boolean;
  streams(url: URL, body: Record<string, unknown>): boolean;
  model(url: URL, body: Record<string, unknown>): string | undefined;
  toolResults(body: Record<string, unknown>): FakeToolResult[];
  carriesKey(headers: IncomingHttpHeaders, url: URL, key: string): boolean;
  answer(reply: FakeLlmReply, model: string, seq: number): unknown;
  /** The server-sent events of a streamed answer, each a complete `…\n\n` frame. */
  frames(reply: FakeLlmReply, model: string, seq: number, body: Record<string, unknown>): string[];
  error(status: number, message: string): unknown;
}

const bodyModel = (_url: URL, body: Record<string, unknown>) =>
  typeof body.model === "string" ? body.model : undefined;
const bodyStreams = (_url: URL, body: Record<string, unknown>) => body.stream === true;
const bearer = (headers: IncomingHttpHeaders, _url: URL, key: string) => headers.authorization === `Bearer ${key}`;
const dataFrame = (data: unknown) => `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
const eventFrame = ([event, data]: [string, unknown]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export const WIRES: readonly Wire[] = [
  {
    format: "openai",
    handles: (path) => path.endsWith("/chat/completions"),
    streams: bodyStreams,
    model: bodyModel,
    toolResults: openAiToolResults,
    carriesKey: bearer,
    answer: openAiCompletion,
    frames: (reply, model, seq, body) => {
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      return openAiChunks(reply, model, seq, includeUsage).map(dataFrame);
    },
    error: openAiError,
  },
  {
    format: "openai-responses",
    handles: (path) => path.endsWith("/responses"),
    streams: bodyStreams,
    model: bodyModel,
    toolResults: responsesToolResults,
    carriesKey: bearer,
    answer: responsesObject,
    frames: (reply, model, seq) => responsesEvents(reply, model, seq).map(eventFrame),
    error: responsesError,
  },
  {
    format: "anthropic",
    handles: (path) => path.endsWith("/messages"),
    streams: bodyStreams,
    model: bodyModel,
    toolResults: anthropicToolResults,
    carriesKey: (headers, _url, key) => headers["x-api-key"] === key,
    answer: anthropicMessage,
    frames: (reply, model, seq) => anthropicEvents(reply, model, seq).map(eventFrame),
    error: anthropicError,
  },
  {
    format: "gemini",
    handles: (path) => path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent"),
    streams: (url) => url.pathname.endsWith(":streamGenerateContent"),
    model: (url) => geminiModelOf(url.pathname),
    toolResults: geminiToolResults,
    carriesKey: (headers, url, key) => headers["x-goog-api-key"] === key || url.searchParams.get("key") === key,
    answer: geminiResponse,
    frames: (reply, model, seq) => geminiChunks(reply, model, seq).map(dataFrame),
    error: geminiError,
  },
];
