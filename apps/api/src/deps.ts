import type { FastifyServerOptions } from "fastify";
import type { Db } from "@oz/db";

/** Everything the API's route modules may use; built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  db: Db;
  /** The URL users reach this server at (links, problem `type` URIs). */
  publicUrl: string;
  /** Cloud agents a team may use beyond its default one, unless the team has its own limit. */
  agentLimit: number;
  maxOrchestrationDepth: number;
  bodyLimit?: number;
  logger?: FastifyServerOptions["logger"];
}
