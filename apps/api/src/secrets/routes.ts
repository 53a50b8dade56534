import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { principalString } from "@oz/auth";
import {
  CreateSecretRequest,
  DeleteSecretResponse,
  ListSecretsResponse,
  Problem,
  PutSecretRequest,
  SecretItem,
  SecretName,
  SecretNameParams,
} from "@oz/contract";
import { notFound } from "@oz/errors";
import { createSecret, deleteSecret, listSecrets, putSecret, type SecretSummary } from "@oz/secrets";
import type { AppDeps } from "../deps.ts";
import { principalOf, requireHuman } from "../http/auth.ts";

const WRITE_ONLY =
  "Values are write-only: no response ever contains one. They are encrypted at rest (AES-256-GCM), injected into " +
  "run sandboxes as environment variables of the same name, and redacted from run output, logs and artifacts " +
  "(values shorter than 4 characters are not redacted).";

const toSecretItem = (s: SecretSummary): SecretItem => ({
  name: s.name,
  ...(s.description !== null && { description: s.description }),
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
});

/** Any member of the team may store and delete its secrets; a cloud agent's key may only list them. */
const requireSecretManager = (request: FastifyRequest) => requireHuman(request, "create, replace or delete secrets");

/** `/secrets` (ours): the team's secrets, referenced by name from environments and cloud agents. */
export const secretRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/secrets",
    {
      schema: {
        summary: "List the team's secrets",
        description: `Names, descriptions and timestamps of the caller's team's secrets, by name. ${WRITE_ONLY}`,
        tags: ["secrets"],
        response: { 200: ListSecretsResponse, 401: Problem },
      },
    },
    async (request) => {
      const { teamId } = principalOf(request);
      return { secrets: (await listSecrets(deps.db, teamId)).map(toSecretItem) };
    },
  );

  app.post(
    "/secrets",
    {
      schema: {
        summary: "Create a secret",
        description:
          "Stores a new team secret. A name the team already uses is 400 invalid_request (not a retryable 409): " +
          "replace the value with PUT /secrets/{name}, or delete the secret first. Names are environment variable " +
          "names (at most 128 characters; OZ_ is reserved); values are at most 64 KiB. Members of the team may " +
          `create, replace and delete secrets; cloud agents' keys may only list them (403). ${WRITE_ONLY}`,
        tags: ["secrets"],
        body: CreateSecretRequest,
        response: { 200: SecretItem, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const principal = requireSecretManager(request);
      const { name, value, description } = request.body;
      const secret = await createSecret(deps.db, deps.secretBox, {
        teamId: principal.teamId,
        name,
        value,
        description,
        createdBy: principalString(principal),
      });
      return toSecretItem(secret);
    },
  );

  app.put(
    "/secrets/:name",
    {
      schema: {
        summary: "Create or replace a secret",
        description:
          "Sets the secret's value, creating the secret if the team has none of that name, so a value can be " +
          "rotated without a moment in which runs cannot find it. An absent (or null) description keeps the " +
          `current one; an empty one clears it. ${WRITE_ONLY}`,
        tags: ["secrets"],
        params: SecretNameParams.extend({ name: SecretName }),
        body: PutSecretRequest,
        response: { 200: SecretItem, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const principal = requireSecretManager(request);
      const secret = await putSecret(deps.db, deps.secretBox, {
        teamId: principal.teamId,
        name: request.params.name,
        value: request.body.value,
        description: request.body.description ?? undefined,
        createdBy: principalString(principal),
      });
      return toSecretItem(secret);
    },
  );

  app.delete(
    "/secrets/:name",
    {
      schema: {
        summary: "Delete a secret",
        description: "Runs started afterwards that reference the secret fail, naming it.",
        tags: ["secrets"],
        params: SecretNameParams,
        response: { 200: DeleteSecretResponse, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const principal = requireSecretManager(request);
      if (!(await deleteSecret(deps.db, principal.teamId, request.params.name))) {
        throw notFound("secret", request.params.name);
      }
      return { success: true as const };
    },
  );
};
