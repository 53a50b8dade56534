/** Quotes one argument for `sh -c`: everything inside single quotes is literal. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;
