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
import { principalOf } from "../http/auth.ts";
import { assertWithinSandboxMaxima, requestedResources } from "./sandbox-maxima.ts";
import {
  createEnvironment,
  deleteEnvironment,
  getEnvironment,
  listEnvironments,
  updateEnvironment,
} from "./service.ts";

const tags = ["environments"];
const WHO_MAY_EDIT =
  "Any principal of the team may create, update and delete environments: people and cloud agents alike " +
  "(an orchestrating agent may prepare environments for the runs it starts).";

/** `GET /agent/environments` (contract §2.2) plus our create / get / update / delete. */
export const environmentRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, sandboxMaxima }) => {
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
        response: { 200: CloudEnvironment, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      assertWithinSandboxMaxima(requestedResources(request.body.resources), sandboxMaxima);
      return createEnvironment(db, principalOf(request), request.body);
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
      response: { 200: CloudEnvironment, 400: Problem, 401: Problem, 404: Problem },
    },
  };
  app.put("/agent/environments/:uid", update, async (request) => {
    assertWithinSandboxMaxima(requestedResources(request.body.resources), sandboxMaxima);
    return updateEnvironment(db, principalOf(request), request.params.uid, request.body);
  });
  app.patch("/agent/environments/:uid", update, async (request) => {
    assertWithinSandboxMaxima(requestedResources(request.body.resources), sandboxMaxima);
    return updateEnvironment(db, principalOf(request), request.params.uid, request.body);
  });

  app.delete(
    "/agent/environments/:uid",
    {
      schema: {
        summary: "Delete a cloud environment",
        description: `Soft delete; runs keep their history. ${WHO_MAY_EDIT}`,
        tags,
        params: EnvironmentUidParams,
        response: { 200: DeleteEnvironmentResponse, 401: Problem, 404: Problem },
      },
    },
    async (request) => {
      await deleteEnvironment(db, principalOf(request), request.params.uid);
      return { success: true as const };
    },
  );
};
