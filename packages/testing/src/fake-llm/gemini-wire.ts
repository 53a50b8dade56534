import { DEFAULT_USAGE, inTwo, stopReasonOf, type FakeLlmReply, type FakeToolResult } from "./script.ts";

// The Gemini API wire format (what Gemini CLI speaks): `models/{model}:generateContent` and
// `:streamGenerateContent?alt=sse`, https://ai.google.dev/api/generate-content

const FINISH_REASONS = { end: "STOP", tool_use: "STOP", max_tokens: "MAX_TOKENS" } as const;

function argsOf(args: Record<string, unknown> | string): unknown {
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Gemini names the model in the path: `/v1beta/models/<model>:streamGenerateContent`. */
export function geminiModelOf(path: string): string | undefined {
  return /\/models\/([^/:]+):/.exec(path)?.[1];
}

const functionCallParts = (reply: FakeLlmReply) =>
  (reply.toolCalls ?? []).map((call) => ({
    functionCall: { ...(call.id !== undefined && { id: call.id }), name: call.name, args: argsOf(call.arguments) },
  }));

const usageOf = (reply: FakeLlmReply) => {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    promptTokenCount: usage.input_tokens,
    candidatesTokenCount: usage.output_tokens,
    totalTokenCount: usage.input_tokens + usage.output_tokens,
  };
};

function chunk(parts: unknown[], model: string, seq: number, last: { reply: FakeLlmReply } | null) {
  return {
    candidates: [
      {
        content: { role: "model", parts },
        index: 0,
        ...(last && { finishReason: FINISH_REASONS[stopReasonOf(last.reply)] }),
      },
    ],
    ...(last && { usageMetadata: usageOf(last.reply) }),
    modelVersion: model,
    responseId: `resp_${seq}`,
  };
}

export function geminiResponse(reply: FakeLlmReply, model: string, seq: number) {
  const parts = [...(reply.text ? [{ text: reply.text }] : []), ...functionCallParts(reply)];
  return chunk(parts, model, seq, { reply });
}

/** The `data:` payloads of a streamed answer: the text in pieces, the last with the calls, finish reason and usage. */
export function geminiChunks(reply: FakeLlmReply, model: string, seq: number): unknown[] {
  const texts = inTwo(reply.text ?? "").map((text) => ({ text }));
  const lastParts = [...texts.slice(-1), ...functionCallParts(reply)];
  return [
    ...texts.slice(0, -1).map((part) => chunk([part], model, seq, null)),
    chunk(lastParts.length > 0 ? lastParts : [{ text: "" }], model, seq, { reply }),
  ];
}

const STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  503: "UNAVAILABLE",
};

export function geminiError(status: number, message: string) {
  return { error: { code: status, message, status: STATUSES[status] ?? (status >= 500 ? "INTERNAL" : "UNKNOWN") } };
}

/** The `functionResponse` parts of the last user turn; a call without an id is named by its function. */
export function geminiToolResults(body: Record<string, unknown>): FakeToolResult[] {
  const contents = Array.isArray(body.contents) ? (body.contents as Record<string, unknown>[]) : [];
  const last = contents.at(-1);
  if (last?.role !== "user" || !Array.isArray(last.parts)) return [];
  return (last.parts as Record<string, unknown>[]).flatMap((part) => {
    const response = part.functionResponse as
      { id?: string; name?: string; response?: Record<string, unknown> } | undefined;
    if (!response) return [];
    const error = response.response?.error;
    const output = error ?? response.response?.output ?? response.response;
    return [
      {
        callId: String(response.id ?? response.name),
        content: typeof output === "string" ? output : JSON.stringify(output),
        isError: error !== undefined,
      },
    ];
  });
}
