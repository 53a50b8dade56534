import type { ExecOptions, ExecResult, Sandbox } from "@oz/sandbox";

/**
 * A warm-pool sandbox serving one run. Its container was started without the run's secrets, so they reach the
 * run's processes here: added to the environment of every command (an exec's own environment, or the exports of
 * the main shell's script), never to the container's. A command's own `env` wins, as it would over the container's.
 */
export class RunBoundSandbox implements Sandbox {
  constructor(
    private readonly inner: Sandbox,
    readonly runId: string,
    private readonly runEnv: Readonly<Record<string, string>>,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.inner.exec(command, { ...options, env: { ...this.runEnv, ...options.env } });
  }

  readFile(path: string): Promise<Buffer> {
    return this.inner.readFile(path);
  }

  writeFile(path: string, content: string | Buffer): Promise<void> {
    return this.inner.writeFile(path, content);
  }

  listFiles(dir: string, limit?: number): Promise<{ path: string; size: number }[]> {
    return this.inner.listFiles(dir, limit);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
