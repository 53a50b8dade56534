import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { OzCli } from "./support/oz.ts";

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

let server: TestServer;
let dir: string;
let oz: OzCli;
let installed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oz-cli-pack-"));
  const [started] = await Promise.all([
    startTestServer(),
    // What a user gets: the packed tarball (its prepack step builds dist/oz.mjs) installed globally.
    run("pnpm", ["pack", "--pack-destination", dir], { cwd: PACKAGE_DIR }),
  ]);
  server = started;
  const tarball = (await readdir(dir)).find((f) => f.endsWith(".tgz"))!;
  await run("npm", [
    "install",
    "-g",
    "--prefix",
    join(dir, "prefix"),
    join(dir, tarball),
    "--no-audit",
    "--no-fund",
    "--offline",
  ]);
  installed = join(dir, "prefix", "bin", "oz");
  oz = await OzCli.create(server.baseUrl, server.team.apiKey);
}, 120_000);

afterAll(async () => {
  await oz?.cleanup();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the packed package installed with npm install -g", () => {
  it("is one bundled file with no dependencies to install", async () => {
    const packageDir = join(dir, "prefix", "lib", "node_modules", "@oz", "cli");
    expect((await readdir(packageDir)).sort()).toEqual(["dist", "package.json"]);
    expect(await readdir(join(packageDir, "dist"))).toEqual(["oz.mjs"]);
  });

  it("runs as `oz`: version, and whoami against the server", async () => {
    const version = await oz.run(["--version"], { command: [installed] });
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);

    const whoami = await oz.run(["whoami", "--output-format", "json"], { command: [installed] });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.json()).toMatchObject({ principal: `user:${server.team.userId}`, team: { name: "acme" } });
  });
});
