import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import {
  ApiKeyUidParams,
  CreateApiKeyRequest,
  CreatedApiKey,
  ListApiKeysQuery,
  ListApiKeysResponse,
  NoContentResponse,
  Problem,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { requireHuman } from "../http/auth.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./service.ts";

const tags = ["api-keys"];

/** Keys are managed by people: a cloud agent's key can neither mint, list nor revoke keys. */
const keyManager = (request: FastifyRequest) => requireHuman(request, "manage API keys");

/** `/api-keys` (ours; the contract names keys but not their management routes). */
export const apiKeyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const store = { db: deps.db, agentLimit: deps.agentLimit };

  app.post(
    "/api-keys",
    {
      schema: {
        summary: "Create an API key",
        description:
          "Without `agent_uid`: a personal key of the caller. With `agent_uid`: a key acting as that cloud agent " +
          "(team admins only; the agent must be available). The raw key is in `key` and is shown only here.",
        tags,
        body: CreateApiKeyRequest,
        response: { 200: CreatedApiKey, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => createApiKey(store, keyManager(request), request.body),
  );

  app.get(
    "/api-keys",
    {
      schema: {
        summary: "List API keys",
        description:
          "The caller's own personal keys and the keys of the team's cloud agents (`agent_uid` narrows). " +
          "Expired keys stay listed, with their past `expires_at`, until deleted.",
        tags,
        querystring: ListApiKeysQuery,
        response: { 200: ListApiKeysResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => ({ api_keys: await listApiKeys(store, keyManager(request), request.query.agent_uid) }),
  );

  app.delete(
    "/api-keys/:uid",
    {
      config: { changesPrincipals: true },
      schema: {
        summary: "Delete (revoke) an API key",
        description:
          "The key stops working immediately (401). Answers 204 with no body, like DELETE /agent/identities. " +
          "Agent keys can be revoked by team admins only.",
        tags,
        params: ApiKeyUidParams,
        response: { 204: NoContentResponse, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      await revokeApiKey(store, keyManager(request), request.params.uid);
      return reply.code(204).send(null);
    },
  );
};
