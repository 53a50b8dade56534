// A tiny MCP server for the tests, run over stdio inside a sandbox (bundled with esbuild, run by node there).
import { readFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const notes: string[] = [];
const server = new McpServer({ name: "notes", version: "1.0.0" });

server.registerTool(
  "add_note",
  { description: "Saves a note.", inputSchema: { text: z.string() } },
  async ({ text }) => {
    notes.push(text);
    return { content: [{ type: "text", text: `saved note ${notes.length}: ${text}` }] };
  },
);

server.registerTool(
  "read_file_here",
  { description: "Reads a file relative to the server's working directory.", inputSchema: { path: z.string() } },
  async ({ path }) => {
    try {
      return { content: [{ type: "text", text: readFileSync(path, "utf8") }] };
    } catch (err) {
      return { content: [{ type: "text", text: (err as Error).message }], isError: true };
    }
  },
);

await server.connect(new StdioServerTransport());
