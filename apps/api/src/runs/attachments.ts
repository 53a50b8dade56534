import type { AgentRunParams, Attachment } from "@oz/contract";
import { invalid } from "@oz/errors";

const MAX_ATTACHMENTS = 5;
const IMAGE_EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
};

/**
 * The files sent with a run: `attachments`, plus α8's `images` mapped to attachments with generated file
 * names. Both count against the same maximum of 5.
 */
export function collectAttachments(params: Pick<AgentRunParams, "attachments" | "images">): Attachment[] {
  const images = (params.images ?? []).map((image, index) => ({
    data: image.data,
    mime_type: image.mime_type,
    file_name: `image-${index + 1}.${IMAGE_EXTENSIONS[image.mime_type] ?? "bin"}`,
  }));
  const all = [...(params.attachments ?? []), ...images];
  if (all.length > MAX_ATTACHMENTS) {
    throw invalid(
      `attachments: at most ${MAX_ATTACHMENTS} files per run (attachments and images together), got ${all.length}`,
    );
  }
  return all;
}
