import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Problem, SetupRequest, SetupResponse, SetupStatus } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { requireCsrfHeader } from "../sessions/authenticate-session.ts";
import { startSession } from "../sessions/sign-in.ts";
import { completeSetup, setupDone } from "./complete-setup.ts";
import { liveSetupToken, setupRequired } from "./setup-token.ts";

const tags = ["setup"];

/** Ours: the first admin, made through the one-time link the API prints when no user exists. */
export const setupRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/setup",
    {
      config: { auth: "public" },
      schema: {
        summary: "Whether the first admin is still to be created",
        description: "200 while no user exists (the sign-in page then points at the setup link); 404 afterwards.",
        tags,
        response: { 200: SetupStatus, 404: Problem },
      },
    },
    async () => {
      if (!(await setupRequired(deps.db))) throw setupDone();
      const live = await liveSetupToken(deps.db);
      return { setup_required: true as const, ...(live && { expires_at: live.expiresAt.toISOString() }) };
    },
  );

  app.post(
    "/setup",
    {
      config: { auth: "public" },
      schema: {
        summary: "Create the first team and its admin",
        description:
          "Takes the token of the setup link the API printed at start (also in `OZ_SETUP_TOKEN_FILE`). Creates " +
          "the team and its admin, who may create further teams; signs them in (cookie) and returns their first " +
          "API key, shown only here. The link works once; 404 once any user exists.",
        tags,
        body: SetupRequest,
        response: { 200: SetupResponse, 400: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      requireCsrfHeader(request);
      const { user, team, apiKey } = await completeSetup(deps.db, request.body);
      return { ...(await startSession(deps, reply, user, team, "admin")), api_key: apiKey };
    },
  );
};
