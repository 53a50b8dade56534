import type { HarnessType } from "@oz/contract";
import { claudeHarness } from "./claude/claude-agent.ts";
import { codexHarness } from "./codex/codex-agent.ts";
import { commandHarness } from "./command-harness.ts";
import { geminiHarness } from "./gemini/gemini-agent.ts";
import { ozHarness } from "./oz/oz-harness.ts";
import type { Harness } from "./port.ts";

/** Exhaustive over the harness types: adding one does not compile until it is handled here. */
export function selectHarness(type: HarnessType): Harness {
  switch (type) {
    case "command":
      return commandHarness;
    case "oz":
      return ozHarness;
    case "claude":
      return claudeHarness;
    case "codex":
      return codexHarness;
    case "gemini":
      return geminiHarness;
    default: {
      const unhandled: never = type;
      throw new Error(`unhandled harness type ${String(unhandled)}`);
    }
  }
}
