import type { RunEvent } from "@oz/contract";
import type { Output } from "./output.ts";

type Payload = Record<string, unknown>;

/**
 * Writes a run's transcript as text for people: the processes' output as it came, and one marked line for
 * each state change, setup step, tool call, artifact or error. Colour only where the output allows it.
 */
export class TranscriptWriter {
  private atLineStart = true;

  constructor(private readonly output: Output) {}

  write(event: RunEvent) {
    const p = event.payload as Payload;
    const c = this.output.color;
    switch (event.type) {
      case "output":
        return this.raw(String(p.text ?? ""));
      case "agent_message":
        return this.raw(`${String(p.text ?? "")}\n`);
      case "state": {
        const message = p.message ? `: ${String(p.message)}` : "";
        const paint = stateColor(String(p.state), c);
        return this.line(`${paint(`■ ${String(p.state)}`)}${message}`);
      }
      case "setup_step": {
        const label = `[setup ${String(p.step)}] ${String(p.name)}`;
        if (p.status === "started") return this.line(c.dim(`▸ ${label}`));
        const took = typeof p.duration_ms === "number" ? ` (${formatMs(p.duration_ms)})` : "";
        return p.status === "succeeded"
          ? this.line(c.green(`✔ ${label}${took}`))
          : this.line(c.red(`✖ ${label} exited ${String(p.exit_code ?? "?")}${took}`));
      }
      case "harness":
        return this.line(c.dim(`· ${String(p.message)}`));
      case "error":
        return this.line(c.red(`✖ ${String(p.message)}`));
      case "artifact":
        return this.line(
          c.cyan(`+ ${String(p.artifact_type)} ${String(p.filename ?? "")} (${String(p.artifact_uid)})`),
        );
      case "tool_call":
        return this.line(c.dim(`→ ${String(p.name)} ${truncate(JSON.stringify(p.arguments) ?? "", 120)}`));
      case "tool_result": {
        const first = truncate(String(p.output ?? "").split("\n")[0] ?? "", 120);
        return this.line(
          p.is_error ? c.red(`← ${String(p.name)} failed: ${first}`) : c.dim(`← ${String(p.name)}: ${first}`),
        );
      }
      case "followup":
        return this.line(c.magenta(`» follow-up: ${String(p.message)}`));
      default:
        return; // usage and event types this version does not know: nothing for people to read
    }
  }

  /** Ends a last output line that had no newline, so what follows starts on its own line. */
  finish() {
    if (!this.atLineStart) this.raw("\n");
  }

  private raw(text: string) {
    if (text.length === 0) return;
    this.output.streams.stdout.write(text);
    this.atLineStart = text.endsWith("\n");
  }

  private line(text: string) {
    this.finish();
    this.raw(`${text}\n`);
  }
}

function stateColor(state: string, c: Output["color"]) {
  if (state === "SUCCEEDED") return c.green;
  if (state === "FAILED" || state === "ERROR") return c.red;
  if (state === "CANCELLED") return c.yellow;
  return c.dim;
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function formatMs(ms: number) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
