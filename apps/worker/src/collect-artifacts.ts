import { recordFileArtifact } from "@oz/artifacts";
import type { NewRunEvent } from "@oz/contract";
import { redactSecrets } from "@oz/secrets";
import type { Sandbox } from "@oz/sandbox";
import type { WorkerDeps } from "./deps.ts";
import { SANDBOX_PATHS } from "./settings.ts";

/** Cap on how many files one run may leave behind as artifacts. */
const MAX_ARTIFACT_FILES = 50;

/**
 * Files the run wrote under $OZ_ARTIFACTS_DIR become FILE artifacts: size-capped, secrets redacted, stored
 * in the blob store, announced in the transcript.
 */
export async function collectArtifacts(
  deps: Pick<WorkerDeps, "db" | "blobs" | "settings">,
  ctx: {
    runId: string;
    teamId: string;
    sandbox: Sandbox;
    secrets: Readonly<Record<string, string>>;
    emit(events: NewRunEvent[]): Promise<unknown>;
  },
): Promise<void> {
  const files = await ctx.sandbox.listFiles(SANDBOX_PATHS.artifacts, MAX_ARTIFACT_FILES + 1);
  if (files.length > MAX_ARTIFACT_FILES) {
    await ctx.emit([
      { type: "error", payload: { message: `Only the first ${MAX_ARTIFACT_FILES} artifact files were kept.` } },
    ]);
  }
  for (const file of files.slice(0, MAX_ARTIFACT_FILES)) {
    if (file.size > deps.settings.artifactMaxBytes) {
      await ctx.emit([
        {
          type: "error",
          payload: {
            message: `Artifact ${redactSecrets(file.path, ctx.secrets)} (${file.size} bytes) exceeds the ${deps.settings.artifactMaxBytes}-byte limit and was not kept.`,
          },
        },
      ]);
      continue;
    }
    const content = await ctx.sandbox.readFile(`${SANDBOX_PATHS.artifacts}/${file.path}`);
    const { uid, item } = await recordFileArtifact(deps.db, deps.blobs, {
      runId: ctx.runId,
      teamId: ctx.teamId,
      filepath: file.path,
      content,
      redact: ctx.secrets,
    });
    await ctx.emit([
      {
        type: "artifact",
        payload: {
          artifact_uid: uid,
          artifact_type: "FILE",
          filename: String(item.data.filename),
          size_bytes: Number(item.data.size_bytes),
        },
      },
    ]);
  }
}
