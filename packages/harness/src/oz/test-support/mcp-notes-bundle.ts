import { build } from "esbuild";

/** The notes MCP server as one self-contained script, to copy into a sandbox that has node but no packages. */
export async function bundleNotesServer(): Promise<string> {
  const result = await build({
    entryPoints: [new URL("./mcp-notes-server.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}
