import { invalid } from "@oz/errors";

/** The default OZ_MAX_PROMPT_BYTES: far above any hand-written prompt, far below what would slow every list. */
export const DEFAULT_MAX_PROMPT_BYTES = 256 * 1024;

/** A prompt larger than the operator's maximum is refused (400 naming `prompt`), before anything is looked up. */
export function assertPromptSize(prompt: string | null | undefined, maxBytes = DEFAULT_MAX_PROMPT_BYTES): void {
  if (prompt === undefined || prompt === null || prompt.length <= maxBytes / 4) return; // at most 4 bytes a character: surely fits
  const bytes = Buffer.byteLength(prompt, "utf8");
  if (bytes > maxBytes) {
    throw invalid(`prompt: ${bytes} bytes is more than the maximum of ${maxBytes} bytes (UTF-8)`);
  }
}
