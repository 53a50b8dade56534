import type { NewRunEvent } from "@oz/contract";
import { redactSecrets } from "@oz/secrets";

/**
 * A warm sandbox's preparation as the events of the run that took it: the setup steps (marked `warm_pool`, since
 * they ran before the run existed) and their output. The run's secrets were never in that sandbox, but its output
 * is redacted like any other all the same.
 */
export function replayedSetupEvents(recorded: readonly NewRunEvent[], secrets: Record<string, string>): NewRunEvent[] {
  return recorded.map((event): NewRunEvent => {
    if (event.type === "setup_step") {
      const name = redactSecrets(event.payload.name, secrets);
      return { type: "setup_step", payload: { ...event.payload, name, warm_pool: true } };
    }
    if (event.type === "output") {
      return { type: "output", payload: { ...event.payload, text: redactSecrets(event.payload.text, secrets) } };
    }
    return event;
  });
}
