import { randomUUID } from "node:crypto";
import { customAlphabet } from "nanoid";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 22 base-62 characters (~131 bits): environment, agent, team, user, key and secret UIDs. */
export const newUid = customAlphabet(BASE62, 22);

/** Run, conversation, artifact and session IDs are UUIDs. */
export const newUuid = (): string => randomUUID();
