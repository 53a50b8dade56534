import { z } from "zod";
import { Timestamp } from "./common.ts";

// `GET /agent`, the skills found in the repositories of the team's environments.

export const AgentSkillVariant = z
  .object({
    /** The stable skill spec `owner/repo:path/to/SKILL.md`, usable as `skill` or `config.skill_spec`. */
    id: z.string(),
    /** The skill's instructions: the SKILL.md without its front matter. */
    base_prompt: z.string(),
    description: z.string(),
    /** The environments in which this file is available. */
    environments: z.array(z.object({ uid: z.string(), name: z.string() })),
    source: z.object({
      owner: z.string(),
      /** The repository. */
      name: z.string(),
      skill_path: z.string(),
      worker_host: z.string().optional(),
    }),
    /** Why the file cannot be used; only with `include_malformed_skills=true`. */
    error: z.string().optional(),
    /** The latest run that used this file. */
    last_run_timestamp: Timestamp.nullable().optional(),
  })
  .meta({ id: "AgentSkillVariant" });
export type AgentSkillVariant = z.infer<typeof AgentSkillVariant>;

export const AgentSkill = z
  .object({ name: z.string(), variants: z.array(AgentSkillVariant) })
  .meta({ id: "AgentSkill" });
export type AgentSkill = z.infer<typeof AgentSkill>;

export const AgentListResponse = z.object({ agents: z.array(AgentSkill) }).meta({ id: "AgentListResponse" });
export type AgentListResponse = z.infer<typeof AgentListResponse>;

/** A query-string boolean: the SDKs send `true` / `false`. */
const QueryBoolean = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((value) => value === "true");

export const ListAgentSkillsQuery = z.object({
  /** Only this repository (`owner/repo`) of the team's environments. */
  repo: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "repo must be owner/repo")
    .optional(),
  /** Read the repositories again instead of answering from the discovery cache. */
  refresh: QueryBoolean.default(false),
  sort_by: z.enum(["name", "last_run"]).default("name"),
  include_malformed_skills: QueryBoolean.default(false),
});
export type ListAgentSkillsQuery = z.infer<typeof ListAgentSkillsQuery>;
