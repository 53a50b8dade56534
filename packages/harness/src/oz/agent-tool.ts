import type { ToolSpec } from "@oz/llm";
import { z } from "zod";

/** A tool the model can call. `run` gets arguments that parsed as a JSON object; what it returns, the model reads. */
export interface AgentTool {
  spec: ToolSpec;
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<string>;
}

/** A failure the model should read and react to (bad arguments, a missing file …), not a fault of the run. */
export class ToolError extends Error {
  override name = "ToolError";
}

/** A tool whose arguments are checked against a zod schema, which also gives the model its JSON Schema. */
export function defineTool<S extends z.ZodObject>(definition: {
  name: string;
  description: string;
  input: S;
  run(input: z.infer<S>, signal: AbortSignal): Promise<string>;
}): AgentTool {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(definition.input, { io: "input" });
  return {
    spec: { name: definition.name, description: definition.description, parameters },
    async run(args, signal) {
      const parsed = definition.input.safeParse(args);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`);
        throw new ToolError(`invalid arguments for ${definition.name}: ${problems.join("; ")}`);
      }
      return definition.run(parsed.data, signal);
    },
  };
}
