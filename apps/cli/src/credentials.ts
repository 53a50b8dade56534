import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** What `oz login` keeps: one API key per server, and the server last logged in to. */
export interface CredentialsFile {
  /** The server `oz` talks to when neither `--base-url` nor `OZ_API_BASE_URL` says otherwise. */
  default_base_url?: string;
  servers: Record<string, { api_key: string; principal?: string; saved_at: string }>;
}

/** `$XDG_CONFIG_HOME/oz/credentials.json` (default `~/.config/oz/credentials.json`). */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(configHome, "oz", "credentials.json");
}

export async function readCredentials(path = credentialsPath()): Promise<CredentialsFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { servers: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<CredentialsFile>;
  return { ...parsed, servers: parsed.servers ?? {} };
}

/** Replaces the file atomically; the directory is 0700 and the file 0600, since it holds keys. */
export async function writeCredentials(file: CredentialsFile, path = credentialsPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
