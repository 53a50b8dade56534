import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { join, basename } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { AgentGetArtifactResponse } from "@oz/contract";
import type { ApiClient } from "../api/client.ts";
import { CliError } from "../errors.ts";
import { renderFields } from "../output/table.ts";
import { actionOf, type Runtime } from "../runtime.ts";

/** `oz artifact get|download`. */
export function registerArtifactCommands(program: Command, runtime: Runtime) {
  const artifact = program.command("artifact").description("Files, screenshots and plans that runs produced");

  artifact
    .command("get")
    .description("Show an artifact: name, content type, size, description")
    .argument("<artifact-uid>")
    .action(
      actionOf(runtime, async (ctx, [uid]) => {
        const item = await getArtifact(await ctx.client(), uid!);
        ctx.output.record(item, {
          fields: (a) => {
            const data = a.data as Record<string, unknown>;
            const text = (key: string) => (data[key] === undefined ? undefined : String(data[key]));
            return [
              ["UID", a.artifact_uid],
              ["Type", a.artifact_type],
              ["Name", text("filename") ?? text("title")],
              ["Path", text("filepath")],
              ["Content type", text("content_type")],
              ["Size", text("size_bytes") && `${text("size_bytes")} bytes`],
              ["Description", text("description")],
              ["Created", a.created_at],
              ["Expires", text("expires_at")],
            ];
          },
          text: (a) => `${a.artifact_uid}\t${a.artifact_type}\t${"filename" in a.data ? a.data.filename : ""}`,
        });
        if (item.artifact_type === "PLAN" && ctx.output.format === "pretty") {
          ctx.output.out(`\n${renderFields([["Plan", ""]], ctx.output.color.bold)}\n${item.data.content}`);
        }
      }),
    );

  artifact
    .command("download")
    .description("Download an artifact's file (default: its own file name, in the current directory)")
    .argument("<artifact-uid>")
    .option("-o, --out <path>", "where to write it (a directory keeps the artifact's file name; - for stdout)")
    .action(
      actionOf<{ out?: string }>(runtime, async (ctx, [uid], options) => {
        const client = await ctx.client();
        const item = await getArtifact(client, uid!);
        if (item.artifact_type === "PLAN") {
          throw new CliError(`Artifact ${uid} is a plan: it has no file. Show it with \`oz artifact get ${uid}\`.`);
        }
        const name =
          item.artifact_type === "FILE"
            ? basename(item.data.filename)
            : `${item.artifact_uid}.${item.data.content_type.split("/")[1]?.replace("jpeg", "jpg") ?? "png"}`;
        // The signed link works without the API key; it is the server's own origin.
        const response = await client.send("GET", item.data.download_url, { anonymous: true });
        if (options.out === "-") {
          await pipeline(response.body, ctx.streams.stdout);
          return;
        }
        const target = await targetPath(options.out, name);
        const partial = `${target}.part`;
        try {
          await pipeline(response.body, createWriteStream(partial));
          await rename(partial, target);
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
        const size = (await stat(target)).size;
        ctx.output.done(`Saved ${target} (${size} bytes).`, target, { uid, path: target, size_bytes: size });
      }),
    );
}

function getArtifact(client: ApiClient, uid: string) {
  return client.request<AgentGetArtifactResponse>("GET", `/agent/artifacts/${encodeURIComponent(uid)}`);
}

async function targetPath(out: string | undefined, name: string) {
  if (!out) return name;
  const isDirectory = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDirectory ? join(out, name) : out;
}
