import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ warmPoolMaxSize: 3 });
});
afterAll(() => server.close());

const path = "/agent/environments";

describe("an environment's warm pool", () => {
  it("is kept with the environment and shown in its config; absent means none", async () => {
    const key = server.team.apiKey;
    const plain = await call(server, "POST", path, { key, body: { name: "plain", docker_image: "debian" } });
    expect(plain.status, plain.text).toBe(200);
    expect(plain.json.config.warm_pool).toBeUndefined();

    const pooled = await call(server, "POST", path, {
      key,
      body: { name: "pooled", docker_image: "debian", warm_pool: { size: 3 } },
    });
    expect(pooled.json.config.warm_pool).toEqual({ size: 3 });
    const row = await server.database.db.environment.findUniqueOrThrow({ where: { id: pooled.json.uid } });
    expect(row.warmPoolSize).toBe(3);

    // A patch without warm_pool keeps it; size 0 turns it off.
    const renamed = await call(server, "PATCH", `${path}/${pooled.json.uid}`, { key, body: { name: "pooled 2" } });
    expect(renamed.json.config.warm_pool).toEqual({ size: 3 });
    const off = await call(server, "PATCH", `${path}/${pooled.json.uid}`, { key, body: { warm_pool: { size: 0 } } });
    expect(off.json.config.warm_pool).toBeUndefined();
  });

  it("over the operator's maximum is refused with a problem naming the field and the maximum", async () => {
    const key = server.team.apiKey;
    expectProblem(
      await call(server, "POST", path, { key, body: { name: "big", docker_image: "debian", warm_pool: { size: 4 } } }),
      400,
      "invalid_request",
      /warm_pool\.size: 4 is more than this server's maximum of 3/,
    );
    const env = await call(server, "POST", path, { key, body: { name: "small", docker_image: "debian" } });
    expectProblem(
      await call(server, "PUT", `${path}/${env.json.uid}`, { key, body: { warm_pool: { size: 10 } } }),
      400,
      "invalid_request",
      /warm_pool\.size: 10 is more than this server's maximum of 3/,
    );
    expectProblem(
      await call(server, "POST", path, { key, body: { name: "neg", docker_image: "debian", warm_pool: { size: -1 } } }),
      400,
      "invalid_request",
      /warm_pool\.size/,
    );
  });
});
