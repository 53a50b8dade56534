import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pinGitRemote, type EgressPolicy } from "@oz/egress";
import { isDiscoverableSkillPath, parseSkillFile, type SkillFile } from "@oz/skills";

const run = promisify(execFile);

/** A skill file found in a repository. */
export interface RepoSkillFile {
  /** Path inside the repository, e.g. `.claude/skills/deploy/SKILL.md`. */
  path: string;
  file: SkillFile;
}

/** Where a repository is fetched from. `url` may carry a token; it never appears in errors. */
export interface RepoLocation {
  url: string;
  branch?: string;
  /** Text to blank out of error messages (the token in `url`). */
  secret?: string;
}

/** More is not a skill folder but a mistake; the rest of the repository is left unread. */
const MAX_SKILL_FILES = 200;
const MAX_SKILL_FILE_BYTES = 256 * 1024;

/**
 * The skill files of a repository's default branch (or `branch`), read without a checkout: a shallow clone that
 * fetches trees but no file contents (`--filter=blob:none`, where the server supports it), then only the
 * SKILL.md blobs it lists. Works with any git URL (GitHub, GitLab, Gitea, a local `git daemon`).
 */
export async function readRepoSkills(
  location: RepoLocation,
  timeoutMs: number,
  egress: EgressPolicy,
): Promise<RepoSkillFile[]> {
  // Checked and pinned before git runs: only http(s) and git:// to an allowed address, the one resolved here.
  const remote = await pinGitRemote(location.url, egress).catch((err: unknown) => {
    const message = (err as Error).message;
    throw new Error(location.secret ? message.replaceAll(location.secret, "[REDACTED]") : message);
  });
  const pinned = remote.config.flatMap((setting) => ["-c", setting]);
  const dir = await mkdtemp(join(tmpdir(), "oz-skills-"));
  const git = (args: string[], cwd?: string) =>
    // Network transports only: an environment's URL must not make the API read its own disk (file://, paths).
    run(
      "git",
      [
        "-c",
        "credential.helper=",
        "-c",
        "protocol.file.allow=never",
        "-c",
        "protocol.ext.allow=never",
        ...pinned,
        ...args,
      ],
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        // Never prompt for credentials: a repository we cannot read is reported, not waited on.
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "/bin/false", GIT_LFS_SKIP_SMUDGE: "1" },
      },
    );
  try {
    const branch = location.branch ? ["--branch", location.branch] : [];
    await git(
      ["clone", "--quiet", "--depth", "1", "--no-checkout", "--filter=blob:none", ...branch, "--", remote.url, "repo"],
      dir,
    );
    const checkout = join(dir, "repo");
    const { stdout } = await git(["ls-tree", "-r", "-z", "--name-only", "HEAD"], checkout);
    const paths = stdout.split("\0").filter(isDiscoverableSkillPath).slice(0, MAX_SKILL_FILES);
    const files: RepoSkillFile[] = [];
    for (const path of paths) {
      const { stdout: text } = await git(["cat-file", "blob", `HEAD:${path}`], checkout);
      files.push({
        path,
        file:
          text.length > MAX_SKILL_FILE_BYTES
            ? { ok: false, error: `the file is larger than ${MAX_SKILL_FILE_BYTES} bytes`, body: "" }
            : parseSkillFile(text),
      });
    }
    return files;
  } catch (err) {
    const message = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    const safe = location.secret ? message.replaceAll(location.secret, "[REDACTED]") : message;
    // The cause stays in memory only: its command line may carry the token.
    throw new Error(`git could not read the repository: ${safe.split("\n").slice(-3).join(" ")}`, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
