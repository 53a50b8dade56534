import { existsSync, readFileSync } from "node:fs";
import type { NewRunEvent, RunEventPayload, RunEventType } from "@oz/contract";
import { replayStream, type CliStreamParser } from "../stream-parser.ts";
import type { CliName } from "./scenarios.ts";

/** A recorded stream of packages/harness/fixtures (record-streams.ts made it), with its stderr when kept. */
export function readFixture(cli: CliName, name: string): { stdout: string; stderr: string } {
  const base = new URL(`../../../fixtures/${cli}/${name}`, import.meta.url);
  const stderr = new URL(`${base.href}.stderr`);
  return {
    stdout: readFileSync(new URL(`${base.href}.jsonl`), "utf8"),
    stderr: existsSync(stderr) ? readFileSync(stderr, "utf8") : "",
  };
}

/** A fixture read through a parser: its events, and payload lookups by type. */
export function replayFixture(cli: CliName, name: string, parser: CliStreamParser) {
  const { stdout, stderr } = readFixture(cli, name);
  const events = replayStream(parser, stdout, stderr);
  return {
    events,
    /** `type` or `type:name` per event, the shape of the transcript at a glance. */
    shape: events.map(eventShape),
    of: <T extends RunEventType>(type: T) =>
      events.filter((event) => event.type === type).map((event) => event.payload as RunEventPayload<T>),
  };
}

function eventShape(event: NewRunEvent): string {
  return event.type === "tool_call" || event.type === "tool_result"
    ? `${event.type}:${event.payload.name}`
    : event.type;
}
