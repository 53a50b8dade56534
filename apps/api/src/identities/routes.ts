import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AgentResponse,
  AgentUidParams,
  CreateAgentRequest,
  ListAgentIdentitiesQuery,
  ListAgentIdentitiesResponse,
  NoContentResponse,
  Problem,
  UpdateAgentRequest,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf, requireHuman } from "../http/auth.ts";
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from "./service.ts";

const tags = ["identities"];
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/** `/agent/identities`: the team's cloud agents. Agent keys may read but not manage them. */
export const identityRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const store = { db: deps.db, agentLimit: deps.agentLimit };

  app.post(
    "/agent/identities",
    {
      schema: {
        summary: "Create a cloud agent",
        description:
          "Human callers only. `on_behalf_of_enabled` needs a team admin. Refused with 403 feature_not_available " +
          "when the team already has as many cloud agents as its limit allows.",
        tags,
        body: CreateAgentRequest,
        response: { 200: AgentResponse, ...errors },
      },
    },
    async (request) => createAgent(store, requireHuman(request), request.body),
  );

  app.get(
    "/agent/identities",
    {
      schema: {
        summary: "List the team's cloud agents",
        description: "Every live agent of the caller's team, the default agent and unavailable agents included.",
        tags,
        querystring: ListAgentIdentitiesQuery,
        response: { 200: ListAgentIdentitiesResponse, 400: Problem, 401: Problem },
      },
    },
    async (request) => ({
      agents: await listAgents(store, principalOf(request).teamId, request.query.factory_uid),
    }),
  );

  app.get(
    "/agent/identities/:uid",
    {
      schema: {
        summary: "Retrieve a cloud agent",
        tags,
        params: AgentUidParams,
        response: { 200: AgentResponse, 401: Problem, 404: Problem },
      },
    },
    async (request) => getAgent(store, principalOf(request).teamId, request.params.uid),
  );

  app.put(
    "/agent/identities/:uid",
    {
      config: { changesPrincipals: true },
      schema: {
        summary: "Update a cloud agent (partial)",
        description:
          'Per member: omitted or null keeps, an empty value ("", [], {}) clears, anything else replaces. ' +
          "Human callers only; unavailable agents cannot be edited (403 feature_not_available).",
        tags,
        params: AgentUidParams,
        body: UpdateAgentRequest,
        response: { 200: AgentResponse, ...errors },
      },
    },
    async (request) => updateAgent(store, requireHuman(request), request.params.uid, request.body),
  );

  app.delete(
    "/agent/identities/:uid",
    {
      config: { changesPrincipals: true },
      schema: {
        summary: "Delete a cloud agent",
        description:
          "Soft delete: the agent's runs stay, every API key bound to it is revoked at once. " +
          "The default agent cannot be deleted (422 operation_not_supported). Human callers only.",
        tags,
        params: AgentUidParams,
        response: { 204: NoContentResponse, 401: Problem, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      await deleteAgent(store, requireHuman(request), request.params.uid);
      return reply.code(204).send(null);
    },
  );
};
