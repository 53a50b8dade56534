import type { GithubRepo, NewRunEvent } from "@oz/contract";
import type { OutputBuffer } from "@oz/events";
import { shellQuote, type Sandbox } from "@oz/sandbox";
import { SANDBOX_PATHS } from "./settings.ts";

export interface SetupStep {
  name: string;
  command: string;
  cwd: string;
}

export interface PreparationPlan {
  steps: SetupStep[];
  /** Where the harness works: the first repo's checkout, or the workspace. */
  cwd: string;
  /** Where each repo is cloned (skills are read from there). */
  checkouts: { repo: GithubRepo; dir: string }[];
}

/** Clone URL of a repo: its own `url`, or `owner/repo` on GitHub (with the token when the run has one). */
export function cloneUrl(repo: GithubRepo, githubUrl: string, githubToken: string | undefined): string {
  if (repo.url) return repo.url;
  const base = new URL(`${githubUrl.replace(/\/$/, "")}/${repo.owner}/${repo.repo}.git`);
  if (githubToken && base.protocol === "https:") {
    base.username = "x-access-token";
    base.password = githubToken;
  }
  return base.toString();
}

/** Clone every repo, then run the setup commands in order in the first repo's checkout. */
export function planPreparation(
  repos: GithubRepo[],
  setupCommands: string[],
  options: { githubUrl: string; githubToken?: string | undefined },
): PreparationPlan {
  const steps: SetupStep[] = [];
  const checkouts: PreparationPlan["checkouts"] = [];
  let firstCheckout: string | undefined;
  for (const repo of repos) {
    const dir = `${SANDBOX_PATHS.workspace}/${repo.repo}`;
    firstCheckout ??= dir;
    checkouts.push({ repo, dir });
    const branch = repo.branch ? `--branch ${shellQuote(repo.branch)} ` : "";
    const url = cloneUrl(repo, options.githubUrl, options.githubToken);
    steps.push({
      name: `clone ${repo.url ?? `${repo.owner}/${repo.repo}`}${repo.branch ? ` (${repo.branch})` : ""}`,
      command: `git clone --quiet --depth 1 ${branch}-- ${shellQuote(url)} ${shellQuote(dir)}`,
      cwd: SANDBOX_PATHS.workspace,
    });
  }
  const cwd = firstCheckout ?? SANDBOX_PATHS.workspace;
  for (const command of setupCommands) steps.push({ name: command, command, cwd });
  return { steps, cwd, checkouts };
}

export type PreparationResult = { ok: true } | { ok: false; step: number; name: string; exitCode: number };

/** Runs the plan's steps in order, each one an event with its output; stops at the first failure. */
export async function runPreparation(
  sandbox: Sandbox,
  plan: PreparationPlan,
  io: {
    emit(events: NewRunEvent[]): Promise<unknown>;
    output(step: number): OutputBuffer;
    signal: AbortSignal;
  },
): Promise<PreparationResult> {
  for (const [index, step] of plan.steps.entries()) {
    const n = index + 1;
    await io.emit([{ type: "setup_step", payload: { step: n, name: step.name, status: "started" } }]);
    const started = Date.now();
    const output = io.output(n);
    const result = await sandbox.exec(step.command, {
      cwd: step.cwd,
      signal: io.signal,
      onOutput: ({ stream, text }) => output.write(stream, text),
    });
    await output.close();
    const ok = result.exitCode === 0;
    await io.emit([
      {
        type: "setup_step",
        payload: {
          step: n,
          name: step.name,
          status: ok ? "succeeded" : "failed",
          exit_code: result.exitCode,
          duration_ms: Date.now() - started,
        },
      },
    ]);
    if (!ok) return { ok: false, step: n, name: step.name, exitCode: result.exitCode };
  }
  return { ok: true };
}
