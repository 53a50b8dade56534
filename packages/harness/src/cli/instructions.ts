/**
 * The run's own instructions for a third-party CLI: `base_prompt`, then the skill's, then the earlier
 * conversation of a follow-up's execution. The CLI keeps its own system prompt; these are added to it in the
 * way each CLI offers.
 */
export function runInstructions(
  basePrompt: string | undefined,
  skillPrompt: string | undefined,
  earlierConversation?: string,
): string | undefined {
  const sections = [basePrompt?.trim(), skillPrompt?.trim(), earlierConversation].filter(Boolean);
  return sections.length > 0 ? sections.join("\n\n") : undefined;
}
