/** Quotes a word for `sh`, so a server's command and arguments reach it exactly as configured. */
export const shellWord = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
