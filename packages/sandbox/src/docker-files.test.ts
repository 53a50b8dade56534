import { describe, expect, it } from "vitest";
import { SandboxError } from "./port.ts";
import { useTestSandboxes } from "./test-sandboxes.ts";

const { create } = useTestSandboxes();

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(err).toBeInstanceOf(SandboxError);
  return (err as SandboxError).code;
}

describe("files in a sandbox", () => {
  it("writes files as the sandbox user, creating parent directories, and reads them back byte for byte", async () => {
    const sandbox = await create();
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));

    await sandbox.writeFile("notes/deep/readme.md", "# héllo\n");
    await sandbox.writeFile("/workspace/data.bin", binary);

    expect((await sandbox.readFile("/workspace/notes/deep/readme.md")).toString()).toBe("# héllo\n");
    expect((await sandbox.readFile("data.bin")).equals(binary)).toBe(true);
    let owners = "";
    await sandbox.exec("stat -c %u notes/deep notes/deep/readme.md data.bin", {
      onOutput: ({ text }) => (owners += text),
    });
    expect(owners).toBe("1000\n1000\n1000\n");
  });

  it("cannot write where the sandbox user may not", async () => {
    const sandbox = await create();
    expect(await codeOf(sandbox.writeFile("/etc/passwd", "root::0:0::/:/bin/sh\n"))).toBe("exec_failed");
  });

  it("reports a missing file, or a directory, as file_not_found", async () => {
    const sandbox = await create();
    expect(await codeOf(sandbox.readFile("nope.txt"))).toBe("file_not_found");
    expect(await codeOf(sandbox.readFile("/etc"))).toBe("file_not_found");
  });

  it("lists regular files under a directory with their sizes, without following links", async () => {
    const sandbox = await create();
    await sandbox.exec(
      "mkdir -p out/sub out/empty && printf abc > out/a.txt && printf hello > 'out/sub/b c.bin' && ln -s /etc/passwd out/link",
    );

    const files = await sandbox.listFiles("out");
    expect(files.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "a.txt", size: 3 },
      { path: "sub/b c.bin", size: 5 },
    ]);
    expect(await sandbox.listFiles("/workspace/out", 1)).toHaveLength(1);
    expect(await sandbox.listFiles("no-such-dir")).toEqual([]);
  });
});
