import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AgentListResponse, ListAgentSkillsQuery, Problem } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { EgressPolicy } from "@oz/egress";
import { principalOf } from "../http/auth.ts";
import { listSkills } from "./list-skills.ts";
import { SkillDiscovery } from "./skill-discovery.ts";

const DEFAULT_GITHUB_URL = "https://github.com";

/** `GET /agent`: the skills found in the repositories of the team's environments. */
export const skillRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const discovery = new SkillDiscovery({
    egress: new EgressPolicy(deps.allowedCidrs ?? []),
    ...deps.skillDiscovery,
  });
  app.get(
    "/agent",
    {
      schema: {
        summary: "List available agent skills",
        description:
          "Reads the SKILL.md files (`.claude/skills/<name>/`, `.agents/skills/<name>/`, `skills/<name>/`) of every " +
          "repository of the team's environments, with git (any git URL works). Each repository is kept in a cache " +
          "for a few minutes; `refresh=true` reads it again.",
        tags: ["skills"],
        querystring: ListAgentSkillsQuery,
        response: { 200: AgentListResponse, 400: Problem, 401: Problem },
      },
    },
    async (request) => ({
      agents: await listSkills(
        {
          db: deps.db,
          secretBox: deps.secretBox,
          discovery,
          githubUrl: deps.githubUrl ?? DEFAULT_GITHUB_URL,
          log: request.log,
        },
        principalOf(request),
        request.query,
      ),
    }),
  );
};
