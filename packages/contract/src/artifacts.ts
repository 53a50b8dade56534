import { z } from "zod";
import { Timestamp } from "./common.ts";

// `GET /agent/artifacts/{artifactUid}`, discriminated by `artifact_type`.

export const ArtifactUidParams = z.object({ artifactUid: z.guid("artifactUid must be a UUID") });

const envelope = { artifact_uid: z.string(), created_at: Timestamp };

export const PlanArtifactResponse = z
  .object({
    artifact_type: z.literal("PLAN"),
    ...envelope,
    data: z.object({
      /** The current plan, inline. */
      content: z.string(),
      content_type: z.string(),
      document_uid: z.string(),
      notebook_uid: z.string(),
      title: z.string().optional(),
      url: z.string().optional(),
    }),
  })
  .meta({ id: "PlanArtifactResponse" });

export const ScreenshotArtifactResponse = z
  .object({
    artifact_type: z.literal("SCREENSHOT"),
    ...envelope,
    data: z.object({
      content_type: z.string(),
      /** Signed, time-limited, fetchable without the API key. */
      download_url: z.string(),
      expires_at: Timestamp,
      description: z.string().optional(),
    }),
  })
  .meta({ id: "ScreenshotArtifactResponse" });

export const FileArtifactResponse = z
  .object({
    artifact_type: z.literal("FILE"),
    ...envelope,
    data: z.object({
      content_type: z.string(),
      download_url: z.string(),
      expires_at: Timestamp,
      filename: z.string(),
      /** Omitted on anonymous reads of public artifacts. */
      filepath: z.string().optional(),
      size_bytes: z.number().int().optional(),
      description: z.string().optional(),
      title: z.string().optional(),
    }),
  })
  .meta({ id: "FileArtifactResponse" });

export const AgentGetArtifactResponse = z
  .discriminatedUnion("artifact_type", [PlanArtifactResponse, ScreenshotArtifactResponse, FileArtifactResponse])
  .meta({ id: "AgentGetArtifactResponse" });
export type AgentGetArtifactResponse = z.infer<typeof AgentGetArtifactResponse>;

/** Ours: the signed download link's query (`download_url`); anything wrong with it is 403 `not_authorized`. */
export const ArtifactDownloadQuery = z.object({ expires: z.string().optional(), signature: z.string().optional() });
