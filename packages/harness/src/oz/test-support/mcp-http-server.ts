import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/** A Streamable HTTP MCP server with one tool, `weather`; remembers the headers of every request it got. */
export async function startHttpMcpServer() {
  const seenHeaders: IncomingHttpHeaders[] = [];
  const http = createServer((req, res) => {
    seenHeaders.push(req.headers);
    // Stateless: a fresh server and transport per request, as the SDK's examples do.
    const server = new McpServer({ name: "weather", version: "1.0.0" });
    server.registerTool(
      "weather",
      { description: "Today's weather in a city.", inputSchema: { city: z.string() } },
      async ({ city }) => ({ content: [{ type: "text", text: `sunny in ${city}` }] }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close().then(() => server.close()));
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    seenHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
