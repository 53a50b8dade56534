import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes `fetch` refuses to send (malformed URLs, huge or broken headers) on a raw socket and parses
 * the answer. Rejects if the server neither answers nor closes within `timeoutMs`.
 */
export function rawHttp(origin: string, request: string, timeoutMs = 5_000): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(request.slice(0, 80))}`));
    }, timeoutMs);
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
      const parsed = parse(text);
      if (parsed) {
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      }
    });
    socket.on("error", () => {}); // the server may reset after answering; "close" decides
    socket.on("close", () => {
      clearTimeout(timer);
      const parsed = parse(text);
      if (parsed) resolve(parsed);
      else reject(new Error(`connection closed without a complete answer: ${JSON.stringify(text.slice(0, 200))}`));
    });
  });
}

function parse(text: string): RawResponse | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(end + 4);
  const length = Number(headers["content-length"] ?? NaN);
  if (
    Number.isFinite(length)
      ? Buffer.byteLength(body) < length
      : headers["transfer-encoding"] === "chunked" && !body.endsWith("0\r\n\r\n")
  )
    return undefined;
  return { status: Number(statusLine?.split(" ")[1]), headers, body };
}
