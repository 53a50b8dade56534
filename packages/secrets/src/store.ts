import { newUid, Prisma, type Db } from "@oz/db";
import { ApiError, invalid } from "@oz/errors";
import type { SecretBox } from "./secret-box.ts";

/** What may be shown about a secret: everything but its value. */
export interface SecretSummary {
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSecret {
  teamId: string;
  name: string;
  value: string;
  description?: string | null;
  /** `user:<uid>` of whoever stored it. */
  createdBy?: string;
}

const summary = { name: true, description: true, createdAt: true, updatedAt: true } as const;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";

/** Stores a new secret; a name the team already uses is an invalid request (replacing is `putSecret`). */
export async function createSecret(db: Db, box: SecretBox, input: NewSecret): Promise<SecretSummary> {
  try {
    return await db.secret.create({
      data: {
        id: newUid(),
        teamId: input.teamId,
        name: input.name,
        description: input.description || null,
        ciphertext: box.encrypt(input.value, input),
        createdBy: input.createdBy ?? null,
      },
      select: summary,
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw invalid(
        `secret ${input.name} already exists; replace it with PUT /secrets/${input.name} or delete it first`,
      );
    }
    throw err;
  }
}

/**
 * Creates the secret or replaces its value (rotation without a window in which runs cannot find it).
 * An absent description leaves the stored one as it is; an empty (or null) one clears it.
 */
export async function putSecret(db: Db, box: SecretBox, input: NewSecret): Promise<SecretSummary> {
  const ciphertext = box.encrypt(input.value, input);
  return db.secret.upsert({
    where: { teamId_name: { teamId: input.teamId, name: input.name } },
    create: {
      id: newUid(),
      teamId: input.teamId,
      name: input.name,
      description: input.description || null,
      ciphertext,
      createdBy: input.createdBy ?? null,
    },
    update: {
      ciphertext,
      ...(input.description !== undefined && { description: input.description || null }),
      updatedAt: new Date(),
    },
    select: summary,
  });
}

export function listSecrets(db: Db, teamId: string): Promise<SecretSummary[]> {
  return db.secret.findMany({ where: { teamId }, orderBy: { name: "asc" }, select: summary });
}

/** Deletes a team's secret by name; false when the team has no such secret. */
export async function deleteSecret(db: Db, teamId: string, name: string): Promise<boolean> {
  const { count } = await db.secret.deleteMany({ where: { teamId, name } });
  return count > 0;
}

/** A run references secrets its team does not have; `missing` names them. */
export class MissingSecretsError extends ApiError {
  readonly missing: string[];

  constructor(missing: string[]) {
    super(
      "resource_not_found",
      `secret${missing.length === 1 ? "" : "s"} not found in this team: ${missing.join(", ")}`,
    );
    this.name = "MissingSecretsError";
    this.missing = missing;
  }
}

/**
 * The decrypted values of the named secrets of a team, to inject into a run's sandbox (and to redact from its
 * output). Throws MissingSecretsError naming every secret the team does not have.
 */
export async function loadSecretsForRun(
  db: Db,
  box: SecretBox,
  teamId: string,
  names: readonly string[],
): Promise<Record<string, string>> {
  const wanted = [...new Set(names)];
  if (wanted.length === 0) return {};
  const rows = await db.secret.findMany({
    where: { teamId, name: { in: wanted } },
    select: { name: true, ciphertext: true },
  });
  const byName = new Map(rows.map((row) => [row.name, row.ciphertext]));
  const missing = wanted.filter((name) => !byName.has(name));
  if (missing.length > 0) throw new MissingSecretsError(missing);
  return Object.fromEntries(
    wanted.map((name) => [name, box.decrypt(Buffer.from(byName.get(name)!), { teamId, name })]),
  );
}
