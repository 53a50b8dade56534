import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runIn, useTestSandboxes } from "./test-sandboxes.ts";

const sandboxes = useTestSandboxes({ network: "none" });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const CHECK = 'sha256sum "$F" | cut -d" " -f1; stat -c "%u %a" "$F"';

describe("files handed to a command", () => {
  const small = 'line one\nit\'s "quoted" $HOME `x` \\ é\n';
  const large = "0123456789abcdef\n".repeat(20 * 1024); // 340 KiB: more than any one argument may be

  for (const final of [false, true]) {
    it(`are in place, intact and the sandbox user's alone, small or large (${final ? "final command" : "exec"})`, async () => {
      for (const content of [small, large]) {
        const sandbox = await sandboxes.create();
        const path = `/tmp/oz-test-${content.length}`;
        const result = await runIn(sandbox, CHECK, { files: { [path]: content }, env: { F: path }, final });
        expect(result.exitCode, result.stderr).toBe(0);
        expect(result.stdout).toBe(`${sha256(content)}\n1000 600\n`);
      }
    });
  }
});
