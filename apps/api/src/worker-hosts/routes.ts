import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  ListWorkerHostsResponse,
  NoContentResponse,
  Problem,
  RegisterWorkerHostRequest,
  WorkerHostItem,
  WorkerHostParams,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf, requireHuman } from "../http/auth.ts";
import { listWorkerHosts, registerWorkerHost, removeWorkerHost } from "./service.ts";

const tags = ["worker-hosts"];
const WHAT =
  "Self-hosted workers (started with OZ_WORKER_HOST=<host>) serve runs whose `config.worker_host` names their " +
  "host. A run may name only `warp` (the default pool) or a host its team registered here; any other is a 400. " +
  "A host name belongs to one team.";

/** `/worker-hosts` (ours): which self-hosted worker pools a team's runs may use. */
export const workerHostRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    "/worker-hosts",
    {
      schema: {
        summary: "List the team's worker hosts",
        description: WHAT,
        tags,
        response: { 200: ListWorkerHostsResponse, 401: Problem },
      },
    },
    async (request) => ({ worker_hosts: await listWorkerHosts(db, principalOf(request).teamId) }),
  );

  app.post(
    "/worker-hosts",
    {
      schema: {
        summary: "Register a worker host",
        description: `${WHAT} Team admins only; registering a host again is a no-op.`,
        tags,
        body: RegisterWorkerHostRequest,
        response: { 200: WorkerHostItem, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => registerWorkerHost(db, requireHuman(request, "register worker hosts"), request.body.host),
  );

  app.delete(
    "/worker-hosts/:host",
    {
      schema: {
        summary: "Remove a worker host",
        description: `${WHAT} Team admins only. Runs already queued for the host stay queued for it.`,
        tags,
        params: WorkerHostParams,
        response: { 204: NoContentResponse, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      await removeWorkerHost(db, requireHuman(request, "remove worker hosts"), request.params.host);
      return reply.code(204).send(null);
    },
  );
};
