import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { principalString } from "@oz/auth";
import { Problem, WhoAmI } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";

/** `GET /whoami` (ours; what `oz whoami` prints): the calling principal and its team. */
export const whoamiRoutes: FastifyPluginAsyncZod<AppDeps> = async (app) => {
  app.get(
    "/whoami",
    {
      schema: {
        summary: "The calling principal",
        tags: ["auth"],
        response: { 200: WhoAmI, 401: Problem },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const team = { uid: p.teamId, name: p.teamName };
      return p.kind === "user"
        ? {
            principal: principalString(p),
            uid: p.userId,
            type: "user" as const,
            display_name: p.displayName,
            email: p.email,
            team,
            role: p.role,
          }
        : {
            principal: principalString(p),
            uid: p.agentId,
            type: "service_account" as const,
            display_name: p.agentName,
            team,
          };
    },
  );
};
