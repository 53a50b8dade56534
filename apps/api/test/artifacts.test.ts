import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFileArtifact, recordPlanArtifact } from "@oz/artifacts";
import { newUuid, type Db } from "@oz/db";
import { createSecretBox, loadSecretsForRun } from "@oz/secrets";
import { insertRunRow } from "@oz/testing";
import { createArtifactUrlSigner } from "../src/artifacts/url-signer.ts";
import { expectProblem } from "./support/expect-problem.ts";
import { createMember } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let acme: string;
let globex: string;
let runId: string;

/** A run row of a team, as the API would have created it (`ownerUserId` makes it a personal run). */
const createRun = (db: Db, teamId: string, ownerUserId: string | null = null) =>
  insertRunRow(db, teamId, { ownerUserId, title: "build", prompt: "make a report" });

function recordFile(fields: { filepath: string; content: string; isPublic?: boolean; run?: string; teamId?: string }) {
  return recordFileArtifact(server.database.db, server.blobs, {
    runId: fields.run ?? runId,
    teamId: fields.teamId ?? server.team.teamId,
    filepath: fields.filepath,
    content: Buffer.from(fields.content),
    isPublic: fields.isPublic ?? false,
  });
}

/** Fetches a download link against the test server (links name the public URL, http://oz.test). */
function download(downloadUrl: string, headers: Record<string, string> = {}) {
  const url = new URL(downloadUrl);
  return fetch(`${server.origin}${url.pathname}${url.search}`, { headers });
}

beforeAll(async () => {
  server = await startTestServer();
  acme = server.team.apiKey;
  globex = server.otherTeam.apiKey;
  runId = await createRun(server.database.db, server.team.teamId);
});
afterAll(() => server.close());

describe("retrieving a file artifact", () => {
  it("returns its metadata with a signed download link valid for 15 minutes", async () => {
    const { uid } = await recordFile({ filepath: "reports/summary.txt", content: "all green\n" });
    const res = await call(server, "GET", `/agent/artifacts/${uid}`, { key: acme });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      artifact_type: "FILE",
      artifact_uid: uid,
      created_at: expect.stringMatching(/Z$/),
      data: {
        content_type: "text/plain",
        download_url: expect.stringMatching(
          new RegExp(`^http://oz\\.test/api/v1/agent/artifacts/${uid}/download\\?expires=\\d+&signature=[\\w-]+$`),
        ),
        expires_at: expect.any(String),
        filename: "summary.txt",
        filepath: "reports/summary.txt",
        size_bytes: 10,
      },
    });
    const ttl = Date.parse(res.json.data.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });

  it("downloads through the link without an API key, as an attachment", async () => {
    const { uid } = await recordFile({ filepath: "out/résumé page.html", content: "<script>alert(1)</script>" });
    const meta = await call(server, "GET", `/agent/artifacts/${uid}`, { key: acme });
    const res = await download(meta.json.data.download_url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<script>alert(1)</script>");
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(res.headers.get("content-length")).toBe("25");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ page.html"; filename*=UTF-8''r%C3%A9sum%C3%A9%20page.html`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuses a tampered, foreign, incomplete or expired link with 403", async () => {
    const { uid } = await recordFile({ filepath: "a.txt", content: "a" });
    const other = await recordFile({ filepath: "b.txt", content: "b" });
    const link = new URL((await call(server, "GET", `/agent/artifacts/${uid}`, { key: acme })).json.data.download_url);
    const signature = link.searchParams.get("signature")!;
    const expires = link.searchParams.get("expires")!;
    const base = `http://oz.test/api/v1/agent/artifacts`;

    const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const longer = String(Number(expires) + 3600);
    const staleSigner = createArtifactUrlSigner(server.masterKey, "http://oz.test", {
      now: () => Date.now() - 16 * 60_000,
    });
    const attempts = [
      `${base}/${uid}/download?expires=${expires}&signature=${flipped}`,
      `${base}/${uid}/download?expires=${longer}&signature=${signature}`,
      `${base}/${other.uid}/download?expires=${expires}&signature=${signature}`,
      `${base}/${uid}/download?expires=${expires}`,
      `${base}/${uid}/download`,
      staleSigner.sign(uid).url,
    ];
    for (const url of attempts) {
      const res = await download(url);
      const json = (await res.json()) as { type: string; detail: string; retryable: boolean };
      expectProblem({ status: res.status, headers: res.headers, json }, 403, "not_authorized");
      expect(json.detail, url).toMatch(/invalid or has expired/);
    }
  });

  it("is 404 to anonymous callers and other teams when private, without revealing it exists", async () => {
    const { uid } = await recordFile({ filepath: "private.txt", content: "secret plans" });
    expectProblem(await call(server, "GET", `/agent/artifacts/${uid}`), 404, "resource_not_found");
    expectProblem(await call(server, "GET", `/agent/artifacts/${uid}`, { key: globex }), 404, "resource_not_found");
    expectProblem(await call(server, "GET", `/agent/artifacts/${newUuid()}`, { key: acme }), 404, "resource_not_found");
  });

  it("answers a bad key with 401 even though a key is optional", async () => {
    const { uid } = await recordFile({ filepath: "public.txt", content: "hi", isPublic: true });
    expectProblem(
      await call(server, "GET", `/agent/artifacts/${uid}`, { key: "wk-not-a-real-key" }),
      401,
      "authentication_required",
    );
  });

  it("shows a public artifact to anyone, without its filepath unless the caller can see the run", async () => {
    const { uid } = await recordFile({ filepath: "site/index.html", content: "<h1>hi</h1>", isPublic: true });
    const anonymous = await call(server, "GET", `/agent/artifacts/${uid}`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.json.data.filename).toBe("index.html");
    expect(anonymous.json.data).not.toHaveProperty("filepath");
    const file = await download(anonymous.json.data.download_url);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("<h1>hi</h1>");
    expect((await call(server, "GET", `/agent/artifacts/${uid}`, { key: globex })).json.data).not.toHaveProperty(
      "filepath",
    );
    expect((await call(server, "GET", `/agent/artifacts/${uid}`, { key: acme })).json.data.filepath).toBe(
      "site/index.html",
    );
  });

  it("keeps a personal run's artifacts to the run's owner", async () => {
    const owner = await createMember(server.database.db, server.team.teamId, "Owner");
    const colleague = await createMember(server.database.db, server.team.teamId, "Colleague");
    const personalRun = await createRun(server.database.db, server.team.teamId, owner.userId);
    const { uid } = await recordFile({ filepath: "mine.txt", content: "mine", run: personalRun });
    expect((await call(server, "GET", `/agent/artifacts/${uid}`, { key: owner.apiKey })).status).toBe(200);
    expectProblem(
      await call(server, "GET", `/agent/artifacts/${uid}`, { key: colleague.apiKey }),
      404,
      "resource_not_found",
    );
  });

  it("rejects an artifact id that is not a UUID", async () => {
    expectProblem(await call(server, "GET", "/agent/artifacts/not-a-uuid", { key: acme }), 400, "invalid_request");
  });
});

describe("other artifact types", () => {
  it("returns a plan's Markdown inline", async () => {
    const { uid, item } = await recordPlanArtifact(server.database.db, server.blobs, {
      runId,
      teamId: server.team.teamId,
      title: "Plan",
      content: "# Steps\n1. fix\n",
    });
    const res = await call(server, "GET", `/agent/artifacts/${uid}`, { key: acme });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      artifact_type: "PLAN",
      artifact_uid: uid,
      data: {
        content: "# Steps\n1. fix\n",
        content_type: "text/markdown",
        document_uid: item.data.document_uid,
        notebook_uid: item.data.notebook_uid,
        title: "Plan",
      },
    });
  });

  it("answers pull-request and external-reference artifacts with 422 operation_not_supported", async () => {
    for (const [type, data] of [
      ["PULL_REQUEST", { url: "https://github.com/acme/app/pull/1", branch: "fix" }],
      ["EXTERNAL_REFERENCE", { reference_type: "linear_issue", url: "https://linear.app/acme/issue/A-1" }],
    ] as const) {
      const id = newUuid();
      await server.database.db.artifact.create({ data: { id, runId, teamId: server.team.teamId, type, data } });
      expectProblem(await call(server, "GET", `/agent/artifacts/${id}`, { key: acme }), 422, "operation_not_supported");
      expectProblem(await call(server, "GET", `/agent/artifacts/${id}`), 404, "resource_not_found");
    }
  });
});

describe("secrets in artifacts", () => {
  it("a file that echoes a team secret is stored and served redacted", async () => {
    const created = await call(server, "POST", "/secrets", {
      key: acme,
      body: { name: "DEPLOY_TOKEN", value: "dpl_4f9a8b7c6d5e" },
    });
    expect(created.status).toBe(200);
    const secrets = await loadSecretsForRun(server.database.db, createSecretBox(server.masterKey), server.team.teamId, [
      "DEPLOY_TOKEN",
    ]);
    const { uid } = await recordFileArtifact(server.database.db, server.blobs, {
      runId,
      teamId: server.team.teamId,
      filepath: "env-dump.txt",
      content: Buffer.from("DEPLOY_TOKEN=dpl_4f9a8b7c6d5e\n"),
      redact: secrets,
    });
    const meta = await call(server, "GET", `/agent/artifacts/${uid}`, { key: acme });
    const body = await (await download(meta.json.data.download_url)).text();
    expect(body).toBe("DEPLOY_TOKEN=[REDACTED:DEPLOY_TOKEN]\n");
    expect(meta.json.data.size_bytes).toBe(Buffer.byteLength(body));
  });
});
