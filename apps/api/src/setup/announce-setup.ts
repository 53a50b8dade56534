import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { hashSecretToken } from "@oz/auth";
import type { Db } from "@oz/db";
import { claimNewSetupToken, liveSetupToken, setupRequired } from "./setup-token.ts";

export interface SetupAnnouncement {
  publicUrl: string;
  /** Where the link is kept (mode 0600), so a restart can show it again. */
  tokenFile: string;
  /** A bootstrap admin is configured (OZ_BOOTSTRAP_*): automation makes the first admin, not a person. */
  bootstrapConfigured: boolean;
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type SetupOutcome = "not-needed" | "announced" | "held-elsewhere";

/**
 * At start-up, on an instance without users: print the one-time link that makes the first admin (log and a
 * plain banner on stdout) and write it to `tokenFile`. A restart shows the same link while it is valid;
 * processes starting together agree on one token through Postgres, and only the one that made it knows it.
 */
export async function announceFirstAdminSetup(
  db: Db,
  settings: SetupAnnouncement,
  log: Log,
  stdout: (text: string) => void = (text) => process.stdout.write(text),
): Promise<SetupOutcome> {
  if (settings.bootstrapConfigured || !(await setupRequired(db))) {
    await rm(settings.tokenFile, { force: true }); // a used link is no secret worth keeping around
    return "not-needed";
  }
  const live = await liveSetupToken(db);
  const kept = live && (await readKeptToken(settings.tokenFile));
  let issued = kept && hashSecretToken(kept) === live.tokenHash ? { token: kept, expiresAt: live.expiresAt } : null;
  if (!issued && !live) issued = await claimNewSetupToken(db);
  if (!issued) {
    const held = await liveSetupToken(db);
    log.warn(
      { expires_at: held?.expiresAt.toISOString(), token_file: settings.tokenFile },
      "no user exists yet; another API process printed the setup link (see its log or its setup-token file). " +
        "It expires at the time shown; start the API again after that for a new one, or set OZ_BOOTSTRAP_ADMIN_EMAIL",
    );
    return "held-elsewhere";
  }
  const url = `${settings.publicUrl.replace(/\/$/, "")}/setup?token=${issued.token}`;
  await keepLink(settings.tokenFile, url);
  log.info(
    { setup_url: url, expires_at: issued.expiresAt.toISOString(), token_file: settings.tokenFile },
    "no user exists yet: open the setup link to create the first admin",
  );
  stdout(banner(url, issued.expiresAt, settings.tokenFile));
  return "announced";
}

async function keepLink(path: string, url: string) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${url}\n`, { mode: 0o600 });
  await chmod(path, 0o600); // `mode` applies only when the file is created
}

async function readKeptToken(path: string): Promise<string | undefined> {
  try {
    return new URL((await readFile(path, "utf8")).trim()).searchParams.get("token") ?? undefined;
  } catch {
    return undefined; // missing or not a link: a new token is made
  }
}

function banner(url: string, expiresAt: Date, tokenFile: string): string {
  const rule = "=".repeat(72);
  return [
    "",
    rule,
    "  No user exists yet. Create the first admin (and their team) here:",
    "",
    `  ${url}`,
    "",
    `  The link works once, until ${expiresAt.toISOString()}. It is also in ${tokenFile}.`,
    "  For automation, set OZ_BOOTSTRAP_ADMIN_EMAIL and OZ_BOOTSTRAP_ADMIN_PASSWORD instead.",
    rule,
    "",
    "",
  ].join("\n");
}
