import type { CloudEnvironment, CreateEnvironmentRequest, GithubRepo } from "@oz/contract";

/** The environment form as text fields: repositories and setup commands one per line. */
export interface EnvironmentForm {
  name: string;
  description: string;
  dockerImage: string;
  repos: string;
  setupCommands: string;
  network: "bridge" | "none";
  cpus: string;
  memoryMb: string;
  pidsLimit: string;
  secrets: string;
  /** Sandboxes kept started and set up ahead of runs; empty means none. */
  warmPool: string;
}

export const EMPTY_ENVIRONMENT: EnvironmentForm = {
  name: "",
  description: "",
  dockerImage: "",
  repos: "",
  setupCommands: "",
  network: "bridge",
  cpus: "",
  memoryMb: "",
  pidsLimit: "",
  secrets: "",
  warmPool: "",
};

/** `owner/repo`, `owner/repo@branch`, or any git URL (optionally `@branch`). */
export function parseRepo(line: string): GithubRepo | null {
  const [spec = "", branch] = line.trim().split(/@(?=[^@/:]+$)/);
  if (/^(https?|git|ssh):\/\/|^git@/.test(spec)) {
    const name = spec
      .replace(/\.git$/, "")
      .split(/[/:]/)
      .filter(Boolean);
    const repo = name.at(-1);
    const owner = name.at(-2);
    if (!repo || !owner) return null;
    return { owner, repo, url: spec, ...(branch && { branch }) };
  }
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(spec);
  if (!match) return null;
  return { owner: match[1]!, repo: match[2]!, ...(branch && { branch }) };
}

const repoLine = (r: GithubRepo) => `${r.url ?? `${r.owner}/${r.repo}`}${r.branch ? `@${r.branch}` : ""}`;
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

export const environmentFormOf = (e: CloudEnvironment): EnvironmentForm => ({
  name: e.config.name ?? "",
  description: e.config.description ?? "",
  dockerImage: e.config.docker_image ?? "",
  repos: (e.config.github_repos ?? []).map(repoLine).join("\n"),
  setupCommands: (e.config.setup_commands ?? []).join("\n"),
  network: e.config.network ?? "bridge",
  cpus: e.config.resources?.cpus?.toString() ?? "",
  memoryMb: e.config.resources?.memory_mb?.toString() ?? "",
  pidsLimit: e.config.resources?.pids_limit?.toString() ?? "",
  secrets: (e.config.secrets ?? []).join(", "),
  warmPool: e.config.warm_pool?.size ? String(e.config.warm_pool.size) : "",
});

/** The request body, or the first thing to fix, in words. */
export function environmentRequestOf(form: EnvironmentForm): { body: CreateEnvironmentRequest } | { problem: string } {
  if (!form.name.trim()) return { problem: "Give the environment a name." };
  if (!form.dockerImage.trim()) return { problem: "Name the Docker image runs start from, e.g. node:22-bookworm." };
  const repos: GithubRepo[] = [];
  for (const line of lines(form.repos)) {
    const repo = parseRepo(line);
    if (!repo)
      return { problem: `Cannot read the repository "${line}": write owner/repo, owner/repo@branch or a git URL.` };
    repos.push(repo);
  }
  const resources: CreateEnvironmentRequest["resources"] = {};
  const numbers = [
    ["cpus", form.cpus, "CPUs"],
    ["memory_mb", form.memoryMb, "Memory (MB)"],
    ["pids_limit", form.pidsLimit, "Process limit"],
  ] as const;
  for (const [key, text, label] of numbers) {
    if (!text.trim()) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) return { problem: `${label} must be a positive number.` };
    resources[key] = value;
  }
  const warmPool = form.warmPool.trim() ? Number(form.warmPool) : 0;
  if (!Number.isInteger(warmPool) || warmPool < 0)
    return { problem: "Warm sandboxes must be a whole number, 0 for none." };
  return {
    body: {
      name: form.name.trim(),
      description: form.description.trim(),
      docker_image: form.dockerImage.trim(),
      github_repos: repos,
      setup_commands: lines(form.setupCommands),
      network: form.network,
      resources,
      secrets: form.secrets.split(/[\s,]+/).filter(Boolean),
      // Always sent, so that clearing the field on an edit empties the pool.
      warm_pool: { size: warmPool },
    },
  };
}
