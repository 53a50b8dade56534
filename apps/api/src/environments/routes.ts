import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AgentListEnvironmentsResponse,
  CloudEnvironment,
  CreateEnvironmentRequest,
  DeleteEnvironmentResponse,
  EnvironmentUidParams,
  ListEnvironmentsQuery,
  Problem,
  UpdateEnvironmentRequest,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf, requireHuman } from "../http/auth.ts";
import { assertWarmPoolWithinMaximum, assertWithinSandboxMaxima, requestedResources } from "./sandbox-maxima.ts";
import {
  createEnvironment,
  deleteEnvironment,
  getEnvironment,
  listEnvironments,
  updateEnvironment,
} from "./service.ts";

const tags = ["environments"];
const WHO_MAY_EDIT =
  "Any member of the team may create, update and delete environments; a cloud agent's key may only read " +
  "them (403): an environment names team secrets, which its runs receive.";
const requireEditor = (request: FastifyRequest) => requireHuman(request, "create, change or delete environments");

/** `GET /agent/environments` plus our create / get / update / delete. */
export const environmentRoutes: FastifyPluginAsyncZod<AppDeps> = async (
  app,
  { db, sandboxMaxima, warmPoolMaxSize },
) => {
  app.get(
    "/agent/environments",
    {
      schema: {
        summary: "List cloud environments",
        description: "Every live environment of the caller's team. Not paginated.",
        tags,
        querystring: ListEnvironmentsQuery,
        response: { 200: AgentListEnvironmentsResponse, 400: Problem, 401: Problem },
      },
    },
    async (request) => ({
      environments: await listEnvironments(db, principalOf(request), request.query.sort_by),
    }),
  );

  app.post(
    "/agent/environments",
    {
      schema: {
        summary: "Create a cloud environment",
        description: WHO_MAY_EDIT,
        tags,
        body: CreateEnvironmentRequest,
        response: { 200: CloudEnvironment, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const editor = requireEditor(request);
      assertWithinSandboxMaxima(requestedResources(request.body.resources), sandboxMaxima);
      assertWarmPoolWithinMaximum(request.body.warm_pool, warmPoolMaxSize);
      return createEnvironment(db, editor, request.body);
    },
  );

  app.get(
    "/agent/environments/:uid",
    {
      schema: {
        summary: "Retrieve a cloud environment",
        tags,
        params: EnvironmentUidParams,
        response: { 200: CloudEnvironment, 401: Problem, 404: Problem },
      },
    },
    async (request) => getEnvironment(db, principalOf(request), request.params.uid),
  );

  const update = {
    schema: {
      summary: "Update a cloud environment (partial)",
      description: `Omitted or null members keep their value; anything else replaces it. ${WHO_MAY_EDIT}`,
      tags,
      params: EnvironmentUidParams,
      body: UpdateEnvironmentRequest,
      response: { 200: CloudEnvironment, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
    },
  };
  app.put("/agent/environments/:uid", update, async (request) => {
    const editor = requireEditor(request);
    assertWithinSandboxMaxima(requestedResources(request.body.resources), sandboxMaxima);
    assertWarmPoolWithinMaximum(request.body.warm_pool, warmPoolMaxSize);
    return updateEnvironment(db, editor, request.params.uid, request.body);
  });
  app.patch("/agent/environments/:uid", update, async (request) => {
    const editor = requireEditor(request);
    assertWithinSandboxMaxima(requestedResources(request.body.resources), sandboxMaxima);
    assertWarmPoolWithinMaximum(request.body.warm_pool, warmPoolMaxSize);
    return updateEnvironment(db, editor, request.params.uid, request.body);
  });

  app.delete(
    "/agent/environments/:uid",
    {
      schema: {
        summary: "Delete a cloud environment",
        description: `Soft delete; runs keep their history. ${WHO_MAY_EDIT}`,
        tags,
        params: EnvironmentUidParams,
        response: { 200: DeleteEnvironmentResponse, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      await deleteEnvironment(db, requireEditor(request), request.params.uid);
      return { success: true as const };
    },
  );
};
