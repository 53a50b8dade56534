import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseCidr } from "@oz/egress";
import { dockerEndpointFrom, DockerEndpointError, type DockerEndpoint } from "./docker-endpoint.ts";

export { dockerEndpointFrom, DEFAULT_DOCKER_SOCKET, type DockerEndpoint, type DockerTls } from "./docker-endpoint.ts";

/** Relative data paths resolve against the repository root: an API and a worker started elsewhere share them. */
const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where a development machine keeps its generated master key when OZ_MASTER_KEY is unset (never in production). */
export const DEV_MASTER_KEY_FILE = resolve(PROJECT_ROOT, ".data/master.key");

/**
 * Decodes a 32-byte master key written as 64 hex digits or as base64 (standard or URL-safe), e.g. the output of
 * `openssl rand -base64 32`. Throws a ConfigError that never echoes the value.
 */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed, "base64");
  if (key?.length !== 32) {
    throw new ConfigError(
      "must be 32 bytes written as base64 or 64 hex digits (generate one with `openssl rand -base64 32`); " +
        `got ${trimmed.length} characters`,
    );
  }
  return key;
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** A comma-separated list of IPv4/IPv6 addresses or CIDR ranges, each validated. */
const cidrList = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const cidrs = text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    for (const cidr of cidrs) {
      try {
        parseCidr(cidr);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }
    return cidrs;
  });

/** Settings every process shares. Defaults suit a local machine with Postgres and Redis on localhost. */
const CommonEnv = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  DATABASE_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/oz"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  OZ_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** 32 bytes, base64 or hex: encrypts team secrets and signs download links. Required in production. */
  OZ_MASTER_KEY: optionalString.transform((text, ctx) => {
    if (text === undefined) return undefined;
    try {
      return parseMasterKey(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /**
   * Where artifact bytes live: `postgres` (tables in DATABASE_URL's database, shared by every API and worker on any
   * host) or `local` (the directory OZ_BLOB_DIR, which the API and every worker must then share).
   */
  OZ_BLOB_STORE: z.enum(["postgres", "local"]).default("postgres"),
  /** The local blob store's directory (OZ_BLOB_STORE=local). */
  OZ_BLOB_DIR: z
    .string()
    .default(".data/blobs")
    .transform((dir) => resolve(PROJECT_ROOT, dir)),
  /** Namespace of every queue key in Redis: the API and its workers must agree on it. */
  OZ_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default("oz"),
  /** Where `owner/repo` repositories are cloned from (workers) and read for skill discovery (the API). */
  OZ_GITHUB_URL: z.url().default("https://github.com"),
  /** How often workers and the API sweep (lost runs, the outbox); the API waits one interval past a lease. */
  OZ_SWEEP_INTERVAL_SECONDS: z.coerce.number().positive().default(5),
  /**
   * Private destinations (loopback, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, fc00::/7) that sandboxes,
   * MCP url servers, repository clones and skill discovery may reach anyway, e.g. an internal git server.
   */
  OZ_SANDBOX_ALLOWED_CIDRS: cidrList,
  /** Largest sandbox a run or environment may ask for; larger requests are refused (400). */
  OZ_SANDBOX_MAX_CPUS: z.coerce.number().positive().default(8),
  OZ_SANDBOX_MAX_MEMORY_MB: z.coerce.number().int().min(16).default(16384),
  OZ_SANDBOX_MAX_PIDS: z.coerce.number().int().min(16).default(4096),
  /** Runs of one team in progress at once (beyond it, runs wait QUEUED); 0 = no limit. */
  OZ_TEAM_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(0).default(10),
  /** Largest warm pool (`warm_pool.size`) an environment may ask for; larger is refused (400); 0 = no pools. */
  OZ_WARM_POOL_MAX_SIZE: z.coerce.number().int().min(0).max(64).default(4),
  /** Apply pending migrations at start-up (under a lock, so several processes may start at once). */
  OZ_MIGRATE_ON_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** How long start-up waits for PostgreSQL, Redis, or another process's migration before giving up. */
  OZ_STARTUP_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
  /**
   * The bearer token Prometheus sends to scrape `/metrics` (docs/metrics.md). The API serves metrics only when it
   * is set; a worker's metrics port requires it when set.
   */
  OZ_METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: "must be at least 16 characters (e.g. `openssl rand -hex 32`)",
  }),
});

const ApiEnv = CommonEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  /** The URL users reach this server at; used for links and problem `type` URIs. Default http://localhost:PORT. */
  OZ_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  OZ_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** A run's prompt may be at most this many bytes (UTF-8); a larger one is refused (400). */
  OZ_MAX_PROMPT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
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
  /**
   * Where the one-time first-admin setup link is written (mode 0600) when no user exists and no bootstrap
   * admin is configured. Relative to the working directory the API starts in.
   */
  OZ_SETUP_TOKEN_FILE: z
    .string()
    .default(".data/setup-token")
    .transform((path) => resolve(process.cwd(), path)),
  /** The longest lifetime a run may ask for a federated identity token (`oz federate issue-token --duration`). */
  OZ_OIDC_MAX_TOKEN_SECONDS: z.coerce.number().int().min(60).default(43200),
  /** A new OIDC signing key takes over after this many days; the old one stays published until its tokens expire. */
  OZ_OIDC_KEY_ROTATION_DAYS: z.coerce.number().positive().default(30),
  /**
   * How often each API process checks that every enabled scheduled agent has its BullMQ job scheduler (Redis
   * may have lost them; Postgres is the source of truth). A Redis reconnection also triggers the check.
   */
  OZ_SCHEDULE_RECONCILE_SECONDS: z.coerce.number().positive().default(30),
  /**
   * Testing only: the seconds field put before every schedule's 5 fields (default `0`, the standard). `*\/2`
   * makes `* * * * *` tick every two seconds; the API still accepts only 5-field expressions.
   */
  OZ_SCHEDULE_SECONDS_FIELD: z
    .string()
    .regex(/^[0-9*/,-]+$/, "must be a cron seconds field such as 0 or */2")
    .default("0"),
  /** How long a dashboard sign-in lasts. */
  OZ_SESSION_LIFETIME_HOURS: z.coerce.number().positive().default(168),
  /**
   * Which `X-Forwarded-For` hops to believe for the client's address (sign-in pacing per address): `false`
   * (none: the socket's address), `true` (all), or comma-separated addresses/CIDRs of the proxies.
   */
  OZ_TRUST_PROXY: z
    .string()
    .default("false")
    .transform((v): boolean | string => {
      const value = v.trim();
      if (value === "" || value === "false") return false;
      return value === "true" ? true : value;
    }),
});
export type ApiConfig = Omit<z.infer<typeof ApiEnv>, "OZ_PUBLIC_URL"> & { OZ_PUBLIC_URL: string };

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

function requireMasterKeyInProduction<T extends { NODE_ENV: string; OZ_MASTER_KEY?: Buffer | undefined }>(
  config: T,
): T {
  if (config.NODE_ENV === "production" && !config.OZ_MASTER_KEY) {
    throw new ConfigError("invalid configuration:\n  OZ_MASTER_KEY: required when NODE_ENV=production");
  }
  return config;
}

/**
 * What the model catalogue (@oz/llm `loadModelCatalogue`) is read from: OZ_MODELS_FILE or OZ_MODELS,
 * OZ_DEFAULT_MODEL, and the variables its entries name in `api_key_env` (any name, so the whole environment).
 */
export function modelCatalogueEnv(
  env: Record<string, string | undefined> = process.env,
): Readonly<Record<string, string | undefined>> {
  return { ...env };
}

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const config = requireMasterKeyInProduction(parse(ApiEnv, env));
  return { ...config, OZ_PUBLIC_URL: config.OZ_PUBLIC_URL ?? `http://localhost:${config.PORT}` };
}

const WorkerEnv = CommonEnv.extend({
  /** Stable per machine (default: the host name) so a restarted worker can clean up after its previous life. */
  OZ_WORKER_ID: optionalString,
  /** Serve only runs whose `config.worker_host` names this host (a self-hosted worker); unset = default pool. */
  OZ_WORKER_HOST: optionalString,
  OZ_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** A run whose worker has not renewed its lease for this long is swept. */
  OZ_LEASE_SECONDS: z.coerce.number().positive().default(30),
  /** Runs are stopped (ERROR infrastructure_timeout) after this long in progress. */
  OZ_MAX_RUNTIME_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Image of runs without an environment. */
  OZ_DEFAULT_IMAGE: z.string().default("debian:bookworm-slim"),
  OZ_SANDBOX_CPUS: z.coerce.number().positive().default(2),
  OZ_SANDBOX_MEMORY_MB: z.coerce.number().int().min(16).default(4096),
  OZ_SANDBOX_PIDS_LIMIT: z.coerce.number().int().min(16).default(1024),
  /** Where sandboxes reach the platform's API (allowed through the sandbox firewall). */
  OZ_PUBLIC_URL: z.url().default("http://localhost:8080"),
  /** The Docker network (and Linux bridge) of sandboxes that have network: at most 15 letters, digits, - or _. */
  OZ_SANDBOX_NETWORK: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,14}$/)
    .default("oz-sandboxes"),
  /**
   * `enforce`: the worker installs the sandbox firewall at start and refuses to start if it cannot. `off`: no
   * firewall (sandboxes on Docker's default bridge reach each other and the host); only for trusted workloads.
   */
  OZ_SANDBOX_FIREWALL: z.enum(["enforce", "off"]).default("enforce"),
  /**
   * Where the firewall's rules are installed: `local` (by this process: the engine runs on the worker's host) or
   * `engine` (by a short-lived privileged container with the host's network on the engine, for a remote engine).
   * Unset: `local` for a unix socket, `engine` for tcp:// and ssh://.
   */
  OZ_SANDBOX_FIREWALL_VIA: z.enum(["local", "engine"]).optional(),
  /** The image of that container: it needs iptables (the platform's own image has it); present on the engine. */
  OZ_SANDBOX_FIREWALL_HELPER_IMAGE: z.string().default("oz-selfhost"),
  /**
   * Network namespaces the worker keeps ready so a sandbox starts without being wired into its network
   * (packages/sandbox/src/network-holders.ts); unset = OZ_WORKER_CONCURRENCY, 0 = none.
   */
  OZ_SANDBOX_NETWORK_HOLDERS: z.coerce.number().int().min(0).max(256).optional(),
  /** Disk a sandbox may write (its container layer), where the engine supports a limit; unset = none. */
  OZ_SANDBOX_DISK_MB: z.coerce.number().int().min(64).optional(),
  OZ_ARTIFACT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(25 * 1024 * 1024),
  /** The built-in harness stops a run that has not finished after this many model turns. */
  OZ_AGENT_MAX_TURNS: z.coerce.number().int().min(1).default(50),
  OZ_WORKER_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** On SIGTERM, how long runs in progress may finish before they are stopped and handed back. */
  OZ_WORKER_DRAIN_SECONDS: z.coerce.number().min(0).default(30),
  /** Serve the worker's Prometheus metrics on this port (0 = any free one, logged); unset = no metrics server. */
  OZ_WORKER_METRICS_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  /** The address the worker's metrics server binds. */
  OZ_WORKER_METRICS_HOST: z.string().default("0.0.0.0"),
});
export type WorkerConfig = Omit<z.infer<typeof WorkerEnv>, "OZ_SANDBOX_FIREWALL_VIA"> & {
  OZ_SANDBOX_FIREWALL_VIA: "local" | "engine";
  /** The Docker engine this worker drives (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, ...). */
  dockerEndpoint: DockerEndpoint;
};

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const config = requireMasterKeyInProduction(parse(WorkerEnv, env));
  let dockerEndpoint: DockerEndpoint;
  try {
    dockerEndpoint = dockerEndpointFrom(env);
  } catch (err) {
    if (!(err instanceof DockerEndpointError)) throw err;
    throw new ConfigError(`invalid configuration:\n  ${err.variable}: ${err.message}`);
  }
  const firewallVia = config.OZ_SANDBOX_FIREWALL_VIA ?? (dockerEndpoint.protocol === "unix" ? "local" : "engine");
  return { ...config, OZ_SANDBOX_FIREWALL_VIA: firewallVia, dockerEndpoint };
}
