import { text } from "node:stream/consumers";
import { z } from "zod";
import type { BlobStore } from "@oz/blobs";
import type { AgentGetArtifactResponse } from "@oz/contract";
import type { Artifact } from "@oz/db";
import { ApiError } from "@oz/errors";
import type { ArtifactView } from "./access.ts";
import type { ArtifactUrlSigner } from "./url-signer.ts";

// What recordFileArtifact / recordPlanArtifact store in `artifacts.data`.
const StoredFile = z.object({
  filename: z.string(),
  filepath: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().optional(),
  description: z.string().optional(),
  title: z.string().optional(),
});
const StoredScreenshot = z.object({ mime_type: z.string(), description: z.string().optional() });
const StoredPlan = z.object({
  document_uid: z.string(),
  notebook_uid: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
});

/** Builds `AgentGetArtifactResponse`: a signed link for files and screenshots, plans inline. */
export async function artifactResponse(
  artifact: Artifact,
  view: ArtifactView,
  deps: { blobs: BlobStore; artifactUrlSigner: ArtifactUrlSigner },
): Promise<AgentGetArtifactResponse> {
  const envelope = { artifact_uid: artifact.id, created_at: artifact.createdAt.toISOString() };
  switch (artifact.type) {
    case "FILE": {
      const data = StoredFile.parse(artifact.data);
      const link = deps.artifactUrlSigner.sign(artifact.id);
      return {
        artifact_type: "FILE",
        ...envelope,
        data: {
          content_type: data.mime_type,
          download_url: link.url,
          expires_at: link.expiresAt.toISOString(),
          filename: data.filename,
          ...(view === "member" && { filepath: data.filepath }),
          ...(data.size_bytes !== undefined && { size_bytes: data.size_bytes }),
          ...(data.description !== undefined && { description: data.description }),
          ...(data.title !== undefined && { title: data.title }),
        },
      };
    }
    case "SCREENSHOT": {
      const data = StoredScreenshot.parse(artifact.data);
      const link = deps.artifactUrlSigner.sign(artifact.id);
      return {
        artifact_type: "SCREENSHOT",
        ...envelope,
        data: {
          content_type: data.mime_type,
          download_url: link.url,
          expires_at: link.expiresAt.toISOString(),
          ...(data.description !== undefined && { description: data.description }),
        },
      };
    }
    case "PLAN": {
      const data = StoredPlan.parse(artifact.data);
      const body = artifact.storageKey ? await deps.blobs.get(artifact.storageKey) : null;
      if (!body) {
        throw new ApiError("internal_error", `the content of plan ${artifact.id} is missing from storage`, {
          retryable: false,
        });
      }
      return {
        artifact_type: "PLAN",
        ...envelope,
        data: {
          content: await text(body),
          content_type: "text/markdown",
          document_uid: data.document_uid,
          notebook_uid: data.notebook_uid,
          ...(data.title !== undefined && { title: data.title }),
          ...(data.url !== undefined && { url: data.url }),
        },
      };
    }
    default:
      // PULL_REQUEST and EXTERNAL_REFERENCE have no retrieval representation.
      throw new ApiError(
        "operation_not_supported",
        `${artifact.type} artifacts cannot be retrieved; their URL is in the run's artifacts`,
      );
  }
}
