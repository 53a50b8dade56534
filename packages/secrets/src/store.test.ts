import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@oz/errors";
import { createTestDatabase, insertTeamRow, type TestDatabase } from "@oz/testing";
import { createSecretBox, SecretDecryptionError } from "./secret-box.ts";
import { createSecret, deleteSecret, listSecrets, loadSecretsForRun, MissingSecretsError, putSecret } from "./store.ts";

let database: TestDatabase;
const box = createSecretBox(randomBytes(32));
let teamId: string;
let otherTeamId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  teamId = await insertTeamRow(database.db, "acme");
  otherTeamId = await insertTeamRow(database.db, "globex");
});
afterAll(() => database.drop());

describe("team secrets in the database", () => {
  it("stores only ciphertext", async () => {
    await createSecret(database.db, box, { teamId, name: "STRIPE_KEY", value: "sk_live_plaintext_4242" });
    const row = await database.db.secret.findFirstOrThrow({ where: { teamId, name: "STRIPE_KEY" } });
    expect(Buffer.from(row.ciphertext).includes("sk_live_plaintext_4242")).toBe(false);
    expect(JSON.stringify(await listSecrets(database.db, teamId))).not.toContain("sk_live");
  });

  it("refuses a second secret of the same name as an invalid request", async () => {
    await createSecret(database.db, box, { teamId, name: "DUP", value: "first-value" });
    const err = await createSecret(database.db, box, { teamId, name: "DUP", value: "second-value" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("invalid_request");
    expect(err.detail).toMatch(/DUP already exists/);
  });

  it("replaces a value in place, keeping the description unless told otherwise", async () => {
    await putSecret(database.db, box, { teamId, name: "ROTATED", value: "old-value", description: "the token" });
    const replaced = await putSecret(database.db, box, { teamId, name: "ROTATED", value: "new-value" });
    expect(replaced.description).toBe("the token");
    expect(await loadSecretsForRun(database.db, box, teamId, ["ROTATED"])).toEqual({ ROTATED: "new-value" });
    expect(
      (await putSecret(database.db, box, { teamId, name: "ROTATED", value: "v", description: null })).description,
    ).toBeNull();
  });

  it("loads the named values for a run, and names every missing one", async () => {
    await createSecret(database.db, box, { teamId, name: "A_TOKEN", value: "value-a" });
    await createSecret(database.db, box, { teamId, name: "B_TOKEN", value: "value-b ✓" });
    expect(await loadSecretsForRun(database.db, box, teamId, ["A_TOKEN", "B_TOKEN", "A_TOKEN"])).toEqual({
      A_TOKEN: "value-a",
      B_TOKEN: "value-b ✓",
    });
    expect(await loadSecretsForRun(database.db, box, teamId, [])).toEqual({});

    const err = await loadSecretsForRun(database.db, box, teamId, ["A_TOKEN", "NOPE", "ALSO_NOPE"]).catch((e) => e);
    expect(err).toBeInstanceOf(MissingSecretsError);
    expect(err.missing).toEqual(["NOPE", "ALSO_NOPE"]);
    expect(err.code).toBe("resource_not_found");
    expect(err.detail).toBe("secrets not found in this team: NOPE, ALSO_NOPE");
  });

  it("keeps teams apart: another team neither sees, loads nor deletes them", async () => {
    await createSecret(database.db, box, { teamId, name: "PRIVATE", value: "acme-only" });
    expect((await listSecrets(database.db, otherTeamId)).map((s) => s.name)).not.toContain("PRIVATE");
    await expect(loadSecretsForRun(database.db, box, otherTeamId, ["PRIVATE"])).rejects.toBeInstanceOf(
      MissingSecretsError,
    );
    expect(await deleteSecret(database.db, otherTeamId, "PRIVATE")).toBe(false);
    expect(await deleteSecret(database.db, teamId, "PRIVATE")).toBe(true);
    expect(await deleteSecret(database.db, teamId, "PRIVATE")).toBe(false);
  });

  it("cannot be decrypted after its ciphertext is copied onto another secret", async () => {
    await createSecret(database.db, box, { teamId, name: "SOURCE", value: "source-value" });
    await createSecret(database.db, box, { teamId, name: "TARGET", value: "target-value" });
    const source = await database.db.secret.findFirstOrThrow({ where: { teamId, name: "SOURCE" } });
    await database.db.secret.updateMany({ where: { teamId, name: "TARGET" }, data: { ciphertext: source.ciphertext } });
    await expect(loadSecretsForRun(database.db, box, teamId, ["TARGET"])).rejects.toBeInstanceOf(SecretDecryptionError);
  });
});
