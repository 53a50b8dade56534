import type { HarnessType } from "@oz/contract";
import { commandHarness } from "./command-harness.ts";
import { ozHarness } from "./oz/oz-harness.ts";
import type { Harness } from "./port.ts";

/** Exhaustive over the harness types: adding one does not compile until it is handled here. */
export function selectHarness(type: HarnessType): Harness | { unavailable: string } {
  switch (type) {
    case "command":
      return commandHarness;
    case "oz":
      return ozHarness;
    case "claude":
    case "codex":
    case "gemini":
      return { unavailable: `The ${type} harness is not available on this server yet; use {"type": "command"}.` };
    default: {
      const unhandled: never = type;
      throw new Error(`unhandled harness type ${String(unhandled)}`);
    }
  }
}
