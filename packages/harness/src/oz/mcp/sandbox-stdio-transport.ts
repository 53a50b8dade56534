import { randomUUID } from "node:crypto";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Sandbox } from "@oz/sandbox";
import { shellWord } from "./shell-words.ts";

export interface SandboxStdioServer {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
}

/** How much of a server's stderr is kept, to say why it failed to start. */
const STDERR_KEPT = 2_000;
/** A message the server does not take within this long means it is wedged. */
const SEND_TIMEOUT_MS = 15_000;

/**
 * An MCP stdio transport whose server runs INSIDE the sandbox, not on the worker: a run's `command` is the
 * user's code and must not run next to the worker's credentials. The sandbox port has no interactive stdin,
 * so the server reads a named pipe instead: one long-lived exec runs it with the pipe as stdin (opened
 * read-write, so it never sees end-of-file between messages) and streams its stdout back; each message is
 * written into the pipe by a short exec. Sends are serialised, so messages arrive in order.
 */
export class SandboxStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly pipe = `/tmp/oz-mcp-${randomUUID()}`;
  private readonly stopper = new AbortController();
  private readonly readBuffer = new ReadBuffer();
  private stderr = "";
  private sending: Promise<unknown> = Promise.resolve();
  private exited: Promise<void> | undefined;
  private closed = false;
  /** Why the server stopped, once it has. */
  exitReason: string | undefined;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly server: SandboxStdioServer,
    signal: AbortSignal,
  ) {
    signal.addEventListener("abort", () => this.stopper.abort(), { once: true });
  }

  async start(): Promise<void> {
    const made = await this.sandbox.exec(`mkfifo -m 600 ${shellWord(this.pipe)}`, { timeoutMs: 10_000 });
    if (made.exitCode !== 0)
      throw new Error(`could not create its stdin pipe in the sandbox (mkfifo exit code ${made.exitCode})`);
    const command = [this.server.command, ...this.server.args].map(shellWord).join(" ");
    this.exited = this.sandbox
      .exec(`exec 3<>${shellWord(this.pipe)}; exec ${command} <&3 3<&-`, {
        cwd: this.server.cwd,
        env: this.server.env,
        signal: this.stopper.signal,
        onOutput: ({ stream, text }) => (stream === "stdout" ? this.receive(text) : this.keepStderr(text)),
      })
      .then(
        ({ exitCode }) => this.stopped(`exited with code ${exitCode}`),
        (err: unknown) => this.stopped(`could not run: ${(err as Error).message}`),
      );
  }

  send(message: JSONRPCMessage): Promise<void> {
    const sent = this.sending.then(async () => {
      if (this.closed) throw new Error(`the MCP server has stopped (${this.exitReason ?? "closed"})`);
      const result = await this.sandbox.exec(`[ -p ${shellWord(this.pipe)} ] && cat > ${shellWord(this.pipe)}`, {
        stdin: serializeMessage(message),
        timeoutMs: SEND_TIMEOUT_MS,
        signal: this.stopper.signal,
      });
      if (result.exitCode !== 0) throw new Error(`could not write to the MCP server (exit code ${result.exitCode})`);
    });
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  async close(): Promise<void> {
    this.stopper.abort();
    await this.exited;
    await this.sandbox.exec(`rm -f ${shellWord(this.pipe)}`, { timeoutMs: 5_000 }).catch(() => undefined);
  }

  /** The end of what the server wrote to stderr: usually why it failed. */
  stderrTail(): string {
    return this.stderr.trim();
  }

  private receive(text: string) {
    try {
      this.readBuffer.append(Buffer.from(text, "utf8"));
    } catch (err) {
      this.onerror?.(err as Error); // a runaway line without a newline: dropped
      return;
    }
    for (;;) {
      try {
        const message = this.readBuffer.readMessage();
        if (message === null) return;
        this.onmessage?.(message);
      } catch (err) {
        // A line that is not JSON-RPC (a server logging to stdout) is reported and skipped.
        this.onerror?.(err as Error);
      }
    }
  }

  private keepStderr(text: string) {
    this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
  }

  private stopped(reason: string) {
    if (this.closed) return;
    this.closed = true;
    this.exitReason = reason;
    this.onclose?.();
  }
}
