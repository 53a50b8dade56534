import { createInterface } from "node:readline";

/** Asks on the terminal without echoing what is typed (keys, secret values). */
export function promptHidden(question: string, streams: { stderr: NodeJS.WriteStream }): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: streams.stderr, terminal: true });
  let asked = false;
  // readline echoes through _writeToOutput; after the question, nothing typed is shown.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (text: string) => {
    if (!asked) streams.stderr.write(text);
    asked = true;
  };
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      streams.stderr.write("\n");
      resolve(answer.trim());
    });
  });
}

/** Asks on the terminal, echoing the answer. */
export function promptLine(question: string, streams: { stderr: NodeJS.WriteStream }): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: streams.stderr, terminal: true });
  return new Promise((resolve) => rl.question(question, (answer) => (rl.close(), resolve(answer.trim()))));
}

/** All of standard input as text (a piped key, secret value or prompt). */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
