import type { Environment } from "@oz/db";
import type { GithubRepo } from "@oz/contract";
import { cloneUrl } from "../prepare-sandbox.ts";

/**
 * A run with a GITHUB_TOKEN clones its GitHub repos with it (so the checkout can push); a warm sandbox cloned them
 * without any secret. Such a run starts cold rather than in a checkout that differs from the one it would get.
 */
export function clonesWithToken(environment: Environment, githubUrl: string, secrets: Record<string, string>): boolean {
  const token = secrets.GITHUB_TOKEN;
  if (!token) return false;
  return (environment.repos as GithubRepo[]).some(
    (repo) => cloneUrl(repo, githubUrl, token) !== cloneUrl(repo, githubUrl, undefined),
  );
}
