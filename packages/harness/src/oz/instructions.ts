/**
 * The system prompt of the built-in agent: how to work in the sandbox, then the run's `base_prompt`, then the
 * skill's instructions. The run's prompt is the first user message.
 */
export function buildInstructions(input: { cwd: string; basePrompt?: string; skillPrompt?: string }): string {
  const sections = [
    [
      "You are Oz, an autonomous software agent. You work alone, in a sandboxed Linux container, on the task",
      "the user gives you; nobody will answer questions, so make reasonable decisions yourself.",
      `Your working directory is ${input.cwd}; it holds the task's repository when there is one.`,
      "",
      "Use the tools to look around, change files and run commands. Prefer edit_file for small changes to",
      "existing files and write_file for new ones. Check your work (build it, run the tests) before you finish.",
      "When the task is done, call finish with a short summary of what you did: it is what the user reads.",
      'If the task cannot be done, call finish with outcome "failed" and say why.',
    ].join("\n"),
    input.basePrompt?.trim(),
    input.skillPrompt?.trim(),
  ];
  return sections.filter(Boolean).join("\n\n");
}
