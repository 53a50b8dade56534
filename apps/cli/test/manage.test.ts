import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadModelCatalogue } from "@oz/llm";
import { startGitDaemon, type GitDaemon } from "@oz/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { OzCli } from "./support/oz.ts";

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

let server: TestServer;
let git: GitDaemon;
let oz: OzCli;

const models = loadModelCatalogue({
  OZ_MODELS: JSON.stringify([
    {
      id: "sonnet",
      provider: "anthropic",
      base_url: "http://127.0.0.1:1",
      model: "claude-sonnet-4-5",
      api_key_env: "NOT_SET",
    },
    { id: "qwen", provider: "openai", base_url: "http://127.0.0.1:1/v1", api_key_env: "NOT_SET" },
  ]),
  OZ_DEFAULT_MODEL: "qwen",
});

beforeAll(async () => {
  [server, git] = await Promise.all([
    // The git daemon listens on loopback, which an operator has to allow-list (as for an internal git server).
    startTestServer({ models, githubUrl: "http://127.0.0.1:1", allowedCidrs: ["127.0.0.1/32"] }),
    startGitDaemon("127.0.0.1"),
  ]);
  oz = await OzCli.create(server.baseUrl, server.team.apiKey);
});

afterAll(async () => {
  await oz?.cleanup();
  await Promise.all([server?.close(), git?.close()]);
});

describe("oz whoami", () => {
  it("prints the principal in every output format", async () => {
    const [pretty, text, json, ndjson] = await Promise.all([
      oz.run(["whoami"]),
      oz.run(["whoami", "--output-format", "text"]),
      oz.run(["whoami"], { env: { WARP_OUTPUT_FORMAT: "json" } }),
      oz.run(["--output-format", "ndjson", "whoami"]),
    ]);
    expect(pretty.code, pretty.stderr).toBe(0);
    expect(pretty.stdout).toMatch(/^Principal\s+user:\w+$/m);
    expect(pretty.stdout).toMatch(/^Team\s+acme /m);
    expect(text.stdout).toBe(`user:${server.team.userId}\n`);
    expect(json.json()).toMatchObject({
      principal: `user:${server.team.userId}`,
      type: "user",
      team: { name: "acme" },
    });
    expect(ndjson.lines()).toEqual([json.json()]);
  });

  it("says the user cannot be determined, and exits 1, without a key or with a bad one", async () => {
    const [none, bad] = await Promise.all([
      oz.run(["whoami"], { env: { WARP_API_KEY: undefined } }),
      oz.run(["whoami", "--api-key", "wk-not-a-real-key"]),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("Could not determine the user ID");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Could not determine the user ID: .*\(authentication_required, 401/);
  });
});

describe("oz login and logout", () => {
  it("stores a key from stdin for the server in a 0600 file, which later commands use", async () => {
    const fresh = await OzCli.create(server.baseUrl, undefined);
    try {
      const login = await fresh.run(["login"], { input: `${server.team.apiKey}\n` });
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toContain(`Logged in to ${server.baseUrl} as user:`);

      const file = join(fresh.configHome, "oz", "credentials.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(await readFile(file, "utf8"));
      expect(stored.servers[server.baseUrl].api_key).toBe(server.team.apiKey);

      // No key and no base URL in the environment: the login's server and key are used.
      const whoami = await fresh.run(["whoami", "--output-format", "text"], { env: { OZ_API_BASE_URL: undefined } });
      expect(whoami.stdout.trim()).toBe(`user:${server.team.userId}`);

      const logout = await fresh.run(["logout"]);
      expect(logout.stdout).toContain(`Logged out of ${server.baseUrl}`);
      expect(JSON.parse(await readFile(file, "utf8")).servers).toEqual({});
      expect((await fresh.run(["logout"])).stdout).toBe("You are not logged in.\n");
      expect((await fresh.run(["whoami"])).code).toBe(1);
    } finally {
      await fresh.cleanup();
    }
  });

  it("refuses a key the server does not accept, and without a key points at the dashboard's key page", async () => {
    const fresh = await OzCli.create(server.baseUrl, undefined);
    try {
      const refused = await fresh.run(["login", "--api-key", "wk-wrong"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("refused this API key");
      await expect(stat(join(fresh.configHome, "oz", "credentials.json"))).rejects.toThrow();

      const nothing = await fresh.run(["login"], { input: "" });
      expect(nothing.code).toBe(1);
      expect(nothing.stderr).toContain(`${server.origin}/settings?tab=api-keys`);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe("oz environment", () => {
  it("creates, shows, edits incrementally, lists and deletes an environment", async () => {
    const created = await oz.run([
      "environment",
      "create",
      "-n",
      "web",
      "-d",
      "node:24",
      "-r",
      "acme/web",
      "-r",
      "acme/api@main",
      "-c",
      "npm ci",
      "-c",
      "npm test",
      "--description",
      "the web app",
      "--output-format",
      "json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const env = created.json();
    expect(env.config).toMatchObject({
      name: "web",
      docker_image: "node:24",
      github_repos: [
        { owner: "acme", repo: "web" },
        { owner: "acme", repo: "api", branch: "main" },
      ],
      setup_commands: ["npm ci", "npm test"],
    });

    const updated = await oz.run([
      "environment",
      "update",
      env.uid,
      "--remove-repo",
      "acme/web",
      "-r",
      "acme/docs",
      "--remove-setup-command",
      "npm ci",
      "-c",
      "npm run lint",
      "--output-format",
      "json",
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json().config).toMatchObject({
      name: "web",
      github_repos: [
        { owner: "acme", repo: "api", branch: "main" },
        { owner: "acme", repo: "docs" },
      ],
      setup_commands: ["npm test", "npm run lint"],
    });

    const wrongRemoval = await oz.run(["environment", "update", env.uid, "--remove-setup-command", "npm"]);
    expect(wrongRemoval.code).toBe(1);
    expect(wrongRemoval.stderr).toContain("no setup command is exactly 'npm'");

    const shown = await oz.run(["environment", "get", env.uid]);
    expect(shown.stdout).toMatch(/^Docker image\s+node:24$/m);
    expect(shown.stdout).toMatch(/^Setup 2\s+npm run lint$/m);

    const listed = await oz.run(["env", "list", "--output-format", "text"]);
    expect(listed.stdout).toContain(`${env.uid}\tweb`);

    expect((await oz.run(["environment", "delete", env.uid])).code).toBe(0);
    const gone = await oz.run(["environment", "get", env.uid]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/\(resource_not_found, 404/);
  });

  it("asks for an image only on a terminal; in a pipeline the flag is required", async () => {
    const result = await oz.run(["environment", "create", "-n", "no-image"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--docker-image is required");
  });
});

describe("oz identity and oz key", () => {
  it("creates a cloud agent, gives it a key that acts as it, and revoking the key ends it", async () => {
    const created = await oz.run([
      "identity",
      "create",
      "-n",
      "ci-bot",
      "--description",
      "CI",
      "--output-format",
      "json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const agent = created.json();
    expect(agent).toMatchObject({ name: "ci-bot", description: "CI", available: true });

    const updated = await oz.run([
      "identity",
      "update",
      agent.uid,
      "--description",
      "pipelines",
      "--output-format",
      "json",
    ]);
    expect(updated.json()).toMatchObject({ name: "ci-bot", description: "pipelines" });
    expect((await oz.run(["identity", "list", "--output-format", "text"])).stdout).toContain(`${agent.uid}\tci-bot`);

    const key = await oz.run([
      "key",
      "create",
      "-n",
      "pipeline",
      "--agent",
      agent.uid,
      "--expires",
      "1d",
      "--output-format",
      "text",
    ]);
    expect(key.code, key.stderr).toBe(0);
    const rawKey = key.stdout.trim();
    expect(rawKey).toMatch(/^wk-/);
    const asAgent = await oz.run(["whoami", "--output-format", "text"], { env: { WARP_API_KEY: rawKey } });
    expect(asAgent.stdout.trim()).toBe(`service_account:${agent.uid}`);

    const keys = await oz.run(["key", "list", "--agent", agent.uid, "--output-format", "json"]);
    const [item] = keys.json();
    expect(item).toMatchObject({ name: "pipeline", agent_uid: agent.uid });
    expect(keys.stdout).not.toContain(rawKey);

    expect((await oz.run(["key", "revoke", item.uid])).code).toBe(0);
    expect((await oz.run(["whoami"], { env: { WARP_API_KEY: rawKey } })).code).toBe(1);

    expect((await oz.run(["identity", "delete", agent.uid])).code).toBe(0);
    expect((await oz.run(["identity", "get", agent.uid])).code).toBe(1);
  });
});

describe("oz secret", () => {
  it("reads the value from stdin, never prints it, and deletes by name", async () => {
    const created = await oz.run(["secret", "create", "DEPLOY_TOKEN", "--description", "deploys"], {
      input: "s3cr3t-value\n",
    });
    expect(created.code, created.stderr).toBe(0);
    const listed = await oz.run(["secret", "list", "--output-format", "json"]);
    expect(listed.json()).toEqual([expect.objectContaining({ name: "DEPLOY_TOKEN", description: "deploys" })]);
    expect(listed.stdout + created.stdout).not.toContain("s3cr3t-value");

    const empty = await oz.run(["secret", "create", "EMPTY"], { input: "" });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("No value for EMPTY");

    expect((await oz.run(["secret", "delete", "DEPLOY_TOKEN"])).code).toBe(0);
    expect((await oz.run(["secret", "list", "--output-format", "json"])).json()).toEqual([]);
  });
});

describe("oz model list and oz agent list", () => {
  it("lists the server's models, the default marked", async () => {
    const pretty = await oz.run(["model", "list"]);
    expect(pretty.stdout).toMatch(/^qwen\s+openai\s+\S+\s+yes$/m);
    const json = await oz.run(["model", "list", "--output-format", "json"]);
    expect(
      json
        .json()
        .map((m: { id: string }) => m.id)
        .sort(),
    ).toEqual(["qwen", "sonnet"]);
  });

  it("lists the skills of the environments' repositories", async () => {
    await git.commit("tools", {
      ".claude/skills/deploy/SKILL.md": "---\ndescription: Ships it\n---\nRun make deploy.\n",
    });
    const res = await call(server, "POST", "/agent/environments", {
      key: server.team.apiKey,
      body: {
        name: "tools",
        docker_image: "busybox",
        github_repos: [{ owner: "acme", repo: "tools", url: git.url("tools") }],
      },
    });
    expect(res.status, res.text).toBe(200);
    const skills = await oz.run(["agent", "list", "--output-format", "ndjson"]);
    expect(skills.code, skills.stderr).toBe(0);
    expect(skills.lines()).toEqual([
      expect.objectContaining({
        name: "deploy",
        id: "acme/tools:.claude/skills/deploy/SKILL.md",
        description: "Ships it",
      }),
    ]);
    expect((await oz.run(["agent", "list"])).stdout).toMatch(
      /^deploy\s+acme\/tools:\.claude\/skills\/deploy\/SKILL\.md\s+Ships it$/m,
    );
  });
});

describe("errors, help, version and completion", () => {
  it("shows one line for an API error, and the whole problem document with --debug", async () => {
    const plain = await oz.run(["run", "get", "00000000-0000-4000-8000-000000000000"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);
    expect(plain.stderr).toMatch(/^Error: run \S+ not found \(resource_not_found, 404, trace_id \w+\)$/m);

    const debug = await oz.run(["run", "get", "00000000-0000-4000-8000-000000000000", "--debug"]);
    expect(debug.stderr).toContain("→ GET");
    const problem = JSON.parse(debug.stderr.slice(debug.stderr.indexOf("{")));
    expect(problem).toMatchObject({ status: 404, type: expect.stringContaining("resource_not_found") });
  });

  it("colours only when asked to or on a terminal, and NO_COLOR wins", async () => {
    const missing = ["run", "get", "00000000-0000-4000-8000-000000000000"];
    const [plain, forced, both] = await Promise.all([
      oz.run(missing),
      oz.run(missing, { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }),
      oz.run(missing, { env: { NO_COLOR: "1", FORCE_COLOR: "1" } }),
    ]);
    expect(plain.stderr).not.toContain("\x1b[");
    expect(forced.stderr).toContain("\x1b[31mError:");
    expect(both.stderr).not.toContain("\x1b[");
  });

  it("says so when the server cannot be reached", async () => {
    const result = await oz.run(["whoami"], { env: { OZ_API_BASE_URL: "http://127.0.0.1:1/api/v1" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Could not reach http://127.0.0.1:1/api/v1");
  });

  it("prints help for a nested command and the version", async () => {
    const help = await oz.run(["help", "agent", "run-cloud"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: oz agent run-cloud");
    expect(help.stdout).toContain("--follow");
    const version = await oz.run(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await oz.run(["run", "lsit"])).stderr).toContain("Did you mean list?");
  });

  it("completes commands and options in bash", async () => {
    const script = (await oz.run(["completion", "bash"])).stdout;
    const complete = (words: string[]) =>
      execFileSync(
        "bash",
        [
          "-c",
          `${script}\nCOMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _oz_completion; echo "\${COMPREPLY[@]}"`,
        ],
        {
          encoding: "utf8",
        },
      ).trim();
    expect(complete(["oz", "ag"])).toBe("agent");
    expect(complete(["oz", "agent", "run-cloud", "--fo"])).toBe("--follow");
    expect(complete(["oz", "task", "l"])).toBe("list");
    expect((await oz.run(["completion", "zsh"])).stdout).toContain("compdef _oz oz");
    expect((await oz.run(["completion", "fish"])).stdout).toContain("complete -c oz");
  });
});

describe("the packed package installed with npm install -g", () => {
  let dir: string;
  let installed: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "oz-cli-pack-"));
    // What a user gets: the packed tarball (its prepack step builds dist/oz.mjs) installed globally.
    await run("pnpm", ["pack", "--pack-destination", dir], { cwd: PACKAGE_DIR });
    const tarball = (await readdir(dir)).find((f) => f.endsWith(".tgz"))!;
    const prefix = join(dir, "prefix");
    await run("npm", ["install", "-g", "--prefix", prefix, join(dir, tarball), "--no-audit", "--no-fund", "--offline"]);
    installed = join(prefix, "bin", "oz");
  }, 120_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is one bundled file with no dependencies to install", async () => {
    const packageDir = join(dir, "prefix", "lib", "node_modules", "@oz", "cli");
    expect((await readdir(packageDir)).sort()).toEqual(["README.md", "dist", "package.json"]);
    expect(await readdir(join(packageDir, "dist"))).toEqual(["oz.mjs"]);
  });

  it("runs as `oz`: version, and whoami against the server; `pnpm oz` runs the same CLI from source", async () => {
    const [version, whoami, fromSource] = await Promise.all([
      oz.run(["--version"], { command: [installed] }),
      oz.run(["whoami", "--output-format", "json"], { command: [installed] }),
      run("pnpm", ["-s", "oz", "--version"], { cwd: join(PACKAGE_DIR, "..", "..") }),
    ]);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fromSource.stdout).toBe(version.stdout);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.json()).toMatchObject({ principal: `user:${server.team.userId}`, team: { name: "acme" } });
  });
});
