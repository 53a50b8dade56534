import { createHash } from "node:crypto";
import { invalid } from "@oz/errors";
import { z } from "zod";
import { isRunId } from "./visibility.ts";

/** Where the previous page ended: the last run's sort key (null for a run without one) and its ID. */
export interface CursorPosition {
  key: string | null;
  runId: string;
}

const CursorPayload = z.strictObject({
  v: z.literal(1),
  k: z.string().nullable(),
  i: z.string().refine(isRunId),
  f: z.string(),
});

/**
 * A short hash of everything that shapes the result order and membership (filters and sort, not the page
 * size). The SDK re-sends the filters with the cursor; a cursor minted for others is refused.
 */
export function cursorFingerprint(subject: unknown): string {
  return createHash("sha256").update(JSON.stringify(subject)).digest("base64url").slice(0, 16);
}

/** Opaque and URL-safe: base64url of a small JSON document. */
export function encodeCursor(position: CursorPosition, fingerprint: string): string {
  const payload: z.infer<typeof CursorPayload> = { v: 1, k: position.key, i: position.runId, f: fingerprint };
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/**
 * Reads a cursor back, refusing garbled ones, ones minted for other filters or sort, and ones whose sort key
 * does not fit the sort (`isValidKey`): all 400 `invalid_request` naming `cursor`.
 */
export function decodeCursor(
  cursor: string,
  fingerprint: string,
  isValidKey: (key: string | null) => boolean,
): CursorPosition {
  let payload: z.infer<typeof CursorPayload>;
  try {
    payload = CursorPayload.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw invalid("cursor: not a cursor this server issued; use page_info.next_cursor from the previous page");
  }
  if (payload.f !== fingerprint) {
    throw invalid("cursor: it was issued for different filters or sort; repeat the original query with it");
  }
  if (!isValidKey(payload.k)) throw invalid("cursor: not a cursor this server issued");
  return { key: payload.k, runId: payload.i };
}
