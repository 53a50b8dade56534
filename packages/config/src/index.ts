import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** Settings every process shares. Defaults suit a local machine with Postgres and Redis on localhost. */
const CommonEnv = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  DATABASE_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/oz"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  OZ_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** 32 bytes, base64 or hex: the AES-256-GCM key for team secrets. Required in production. */
  OZ_MASTER_KEY: optionalString,
});

const ApiEnv = CommonEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  /** The URL users reach this server at; used for links and problem `type` URIs. */
  OZ_PUBLIC_URL: z.url().default("http://localhost:8080"),
  OZ_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  OZ_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Cloud agents a team may use beyond its default agent, unless the team has its own limit. */
  OZ_AGENT_LIMIT: z.coerce.number().int().min(0).default(10),
  OZ_MAX_ORCHESTRATION_DEPTH: z.coerce.number().int().min(1).default(5),
  OZ_BOOTSTRAP_ADMIN_EMAIL: optionalString,
  OZ_BOOTSTRAP_ADMIN_PASSWORD: optionalString,
  OZ_BOOTSTRAP_API_KEY: optionalString.refine((v) => v === undefined || /^wk-[A-Za-z0-9_-]{16,}$/.test(v), {
    message: "must look like wk-<at least 16 letters, digits, '_' or '-'>",
  }),
  OZ_BOOTSTRAP_TEAM_NAME: z.string().default("Default team"),
  /** Apply pending migrations at start-up. */
  OZ_MIGRATE_ON_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});
export type ApiConfig = z.infer<typeof ApiEnv>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

function parse<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const config = parse(ApiEnv, env);
  if (config.NODE_ENV === "production" && !config.OZ_MASTER_KEY) {
    throw new ConfigError("invalid configuration:\n  OZ_MASTER_KEY: required when NODE_ENV=production");
  }
  return config;
}
