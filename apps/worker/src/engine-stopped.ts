import type { HarnessOutcome } from "@oz/harness";
import type { Sandbox, SandboxProvider } from "@oz/sandbox";

/** How long a stopping engine may take from stopping its containers to no longer answering. */
const ENGINE_SHUTDOWN_WAIT_MS = 15_000;

/**
 * When a run did not succeed, was it because the Docker engine holding its sandbox went away (its host stopped, its
 * daemon shut down)? Then the run ends ERROR saying so, not with whatever the dying sandbox looked like (a command
 * killed by SIGTERM, an unreachable daemon). A sandbox that still runs commands rules it out at once; one that does
 * not may belong to an engine that is stopping its containers before it stops answering, so the engine is asked
 * again for a while. Null when the engine still answers.
 */
export async function engineStoppedEnding(
  sandboxes: Pick<SandboxProvider, "engineProblem">,
  sandbox: Pick<Sandbox, "exec"> | undefined,
): Promise<HarnessOutcome | null> {
  const sandboxAlive = await sandbox?.exec("true", { timeoutMs: 5_000 }).then(
    (result) => result.exitCode === 0,
    () => false,
  );
  if (sandboxAlive) return null;
  const deadline = Date.now() + ENGINE_SHUTDOWN_WAIT_MS;
  for (;;) {
    const problem = await sandboxes.engineProblem();
    if (problem !== null) {
      return {
        state: "ERROR",
        errorCode: "resource_unavailable",
        message: `The Docker engine running this run's sandbox stopped during the run (${problem}); the sandbox is gone.`,
      };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
