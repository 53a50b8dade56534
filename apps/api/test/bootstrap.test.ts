import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@oz/auth";
import { bootstrapAdmin } from "../src/teams/bootstrap.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const settings = {
  adminEmail: "Ops@Example.com",
  adminPassword: "first-password",
  apiKey: "wk-bootstrapkey0123456789abcdef",
  teamName: "Bootstrapped",
};

describe("bootstrapping the first admin", () => {
  it("does nothing without an admin email", async () => {
    expect(await bootstrapAdmin(server.database.db, { teamName: "unused" })).toBe("skipped");
    expect(await server.database.db.team.count({ where: { name: "unused" } })).toBe(0);
  });

  it("is idempotent: two runs make one team, one admin, one default agent, and the key works", async () => {
    const { db } = server.database;
    expect(await bootstrapAdmin(db, settings)).toBe("created");
    expect(await bootstrapAdmin(db, { ...settings, adminEmail: "ops@example.com" })).toBe("updated");

    const teams = await db.team.findMany({ where: { name: "Bootstrapped" } });
    expect(teams).toHaveLength(1);
    const users = await db.user.findMany({ where: { email: "ops@example.com" }, include: { memberships: true } });
    expect(users).toHaveLength(1);
    expect(users[0]!.memberships).toEqual([expect.objectContaining({ teamId: teams[0]!.id, role: "admin" })]);
    const agents = await db.agent.findMany({ where: { teamId: teams[0]!.id } });
    expect(agents).toHaveLength(1);
    expect(agents[0]!.isDefault).toBe(true);
    expect(await db.apiKey.count({ where: { teamId: teams[0]!.id } })).toBe(1);

    const whoami = await call(server, "GET", "/whoami", { key: settings.apiKey });
    expect(whoami.status).toBe(200);
    expect(whoami.json).toMatchObject({
      principal: `user:${users[0]!.id}`,
      email: "ops@example.com",
      role: "admin",
      team: { uid: teams[0]!.id, name: "Bootstrapped" },
    });
  });

  it("applies a changed password and registers a newly configured key on the next start", async () => {
    const { db } = server.database;
    await bootstrapAdmin(db, settings);
    const rotated = "wk-rotatedkey0123456789abcdefgh";
    expect(await bootstrapAdmin(db, { ...settings, adminPassword: "second-password", apiKey: rotated })).toBe(
      "updated",
    );

    const user = await db.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(await verifyPassword("second-password", user.passwordHash!)).toBe(true);
    expect(await verifyPassword("first-password", user.passwordHash!)).toBe(false);
    for (const key of [settings.apiKey, rotated]) {
      expect((await call(server, "GET", "/whoami", { key })).json.principal).toBe(`user:${user.id}`);
    }
    expect(await db.team.count({ where: { name: "Bootstrapped" } })).toBe(1);
  });
});
