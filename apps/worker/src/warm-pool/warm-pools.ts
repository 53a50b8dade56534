import type { NewRunEvent } from "@oz/contract";
import type { Environment } from "@oz/db";
import type { PoolMetrics } from "@oz/metrics";
import { activeTeamRuns } from "@oz/runs";
import type { Sandbox } from "@oz/sandbox";
import type { WorkerDeps } from "../deps.ts";
import type { PreparationPlan } from "../prepare-sandbox.ts";
import { poolTargets } from "./pool-targets.ts";
import { prepareWarmSandbox } from "./prepare-warm-sandbox.ts";
import { replayedSetupEvents } from "./replay-setup.ts";
import { RunBoundSandbox } from "./run-bound-sandbox.ts";
import { clonesWithToken } from "./token-clones.ts";
import { poolKeyOf, type WarmSandbox } from "./warm-sandbox.ts";

export interface WarmPoolsDeps extends Pick<WorkerDeps, "db" | "sandboxes" | "settings" | "log"> {
  /** Where ready sandboxes, hits and misses are recorded (packages/metrics), if the worker exports metrics. */
  metrics?: PoolMetrics;
}

/** A warm sandbox a run has taken: bound to the run (its secrets reach every command), with its setup's events. */
export interface ClaimedWarmSandbox {
  sandbox: Sandbox;
  plan: PreparationPlan;
  /** The preparation's events, marked and redacted, for the run's transcript. */
  setupEvents: NewRunEvent[];
}

/** What the pools hold now and how often runs found a warm sandbox (for metrics and tests). */
export interface WarmPoolStats {
  /** Runs of a pooled environment that started in a warm sandbox. */
  hits: number;
  /** Runs of a pooled environment that started cold (no warm sandbox of the environment's current version). */
  misses: number;
  pools: { environmentId: string; teamId: string; target: number; ready: number; filling: number; failure?: string }[];
}

interface Pool {
  environment: Environment;
  /** The environment's current version and image (poolKeyOf); an idle sandbox of another key is drained. */
  key: string;
  imageId: string | null;
  target: number;
  idle: WarmSandbox[];
  filling: number;
  /** Consecutive failed fills, and when the next may start. */
  failures: number;
  retryAt: number;
  failure?: string;
}

/** How often the pools re-read the environments that want one (a claim also refills at once). */
const DEFAULT_REFRESH_MS = 2_000;
/** Sandboxes prepared at once by one worker: a fill competes with runs for the host's CPU. */
const FILLS_AT_ONCE = 1;
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * This worker's warm pools: for every environment with `warm_pool.size` > 0 that it may run (the default pool:
 * every team's; a self-hosted worker host: its team's), sandboxes kept started and set up, holding nothing of any
 * run. A run takes one (`claim`) and keeps it to its end, when it is destroyed like any sandbox; the pool refills
 * in the background. An environment changed, deleted or on a new image drains its pool and builds it anew.
 * The sandboxes live as long as this process holds their main shells: when it dies they stop, and any sweeper
 * removes them (apps/worker/src/sweeper.ts); a restarted worker removes its previous life's first.
 */
export class WarmPools {
  private readonly pools = new Map<string, Pool>();
  private hits = 0;
  private misses = 0;
  private fillsRunning = 0;
  private readonly fills = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** One refresh at a time; a request during one runs another after it. */
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(
    private readonly deps: WarmPoolsDeps,
    private readonly options: { refreshMs?: number } = {},
  ) {}

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? DEFAULT_REFRESH_MS);
    this.timer.unref();
  }

  /**
   * A warm sandbox of `environment`'s current version for run `runId`, or null (the run starts cold). The sandbox
   * is renamed for the run first, so sweeping by run finds it; `runEnv` (the run's secrets and id) is added to
   * every command it runs. It is the run's alone from here: nothing returns it to a pool.
   */
  async claim(
    environment: Environment,
    runId: string,
    runEnv: Record<string, string>,
  ): Promise<ClaimedWarmSandbox | null> {
    const pool = this.pools.get(environment.id);
    if (!pool || this.closing.signal.aborted) return environment.warmPoolSize > 0 ? this.miss(environment.id) : null;
    if (clonesWithToken(environment, this.deps.settings.githubUrl, runEnv)) return this.miss(environment.id);
    // The image is looked up again (a few ms): a tag moved since the last refresh must not serve the old image.
    const key = poolKeyOf(environment, await this.deps.sandboxes.imageId(environment.dockerImage).catch(() => null));
    const index = pool.idle.findIndex((warm) => warm.key === key && warm.teamId === environment.teamId);
    if (index < 0) {
      if (key !== pool.key) void this.refresh(); // the environment or image changed: drain and rebuild now
      return this.miss(environment.id);
    }
    const [warm] = pool.idle.splice(index, 1) as [WarmSandbox];
    this.recordReady(pool);
    void this.refresh();
    try {
      await this.deps.sandboxes.assignToRun(warm.sandbox.id, runId);
    } catch (err) {
      this.deps.log.warn({ err, runId }, "could not assign a warm sandbox to the run; starting it cold");
      await warm.sandbox.destroy().catch(() => {});
      return this.miss(environment.id);
    }
    this.hits += 1;
    this.deps.metrics?.hits.inc({ environment: environment.id });
    return {
      sandbox: new RunBoundSandbox(warm.sandbox, runId, runEnv),
      plan: warm.plan,
      setupEvents: replayedSetupEvents(warm.setupEvents, runEnv),
    };
  }

  poolStats(): WarmPoolStats {
    return {
      hits: this.hits,
      misses: this.misses,
      pools: [...this.pools.values()].map((pool) => ({
        environmentId: pool.environment.id,
        teamId: pool.environment.teamId,
        target: pool.target,
        ready: pool.idle.length,
        filling: pool.filling,
        ...(pool.failure !== undefined && { failure: pool.failure }),
      })),
    };
  }

  /** Re-reads the environments that want a pool, drains what is stale or surplus, and starts fills. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.reconcile().catch((err: unknown) => this.deps.log.warn({ err }, "warm pool refresh failed"));
      } while (this.refreshAgain && !this.closing.signal.aborted);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Stops filling and removes every idle warm sandbox (runs keep the ones they took). */
  async close(): Promise<void> {
    this.closing.abort();
    clearInterval(this.timer);
    await this.refreshing;
    await Promise.allSettled([...this.fills]);
    for (const pool of this.pools.values()) this.drain(pool, pool.idle.length);
    this.pools.clear();
  }

  private miss(environmentId: string): null {
    this.misses += 1;
    this.deps.metrics?.misses.inc({ environment: environmentId });
    return null;
  }

  private recordReady(pool: Pool): void {
    this.deps.metrics?.sandboxes.set({ environment: pool.environment.id }, pool.idle.length);
  }

  private async reconcile(): Promise<void> {
    if (this.closing.signal.aborted) return;
    const { db, settings } = this.deps;
    const environments = await this.pooledEnvironments();
    const teamLimit = settings.teamMaxConcurrentRuns ?? 0;
    const activeRuns = new Map<string, number>();
    if (teamLimit > 0) {
      for (const teamId of new Set(environments.map((env) => env.teamId))) {
        activeRuns.set(teamId, await activeTeamRuns(db, teamId));
      }
    }
    const targets = poolTargets(
      environments.map((env) => ({ environmentId: env.id, teamId: env.teamId, size: env.warmPoolSize })),
      { maxSize: settings.warmPoolMaxSize ?? 0, teamLimit },
      (teamId) => activeRuns.get(teamId) ?? 0,
    );
    const running = await this.runningSandboxIds();

    for (const [id, pool] of this.pools) {
      if (targets.has(id)) continue;
      this.drain(pool, pool.idle.length);
      if (pool.filling === 0) this.pools.delete(id);
      else pool.target = 0;
    }
    for (const environment of environments) {
      const imageId = await this.deps.sandboxes.imageId(environment.dockerImage).catch(() => null);
      const key = poolKeyOf(environment, imageId);
      const pool = this.poolOf(environment, key, imageId);
      if (pool.key !== key) pool.failures = 0; // a new version deserves a fresh try
      Object.assign(pool, { environment, key, imageId, target: targets.get(environment.id) ?? 0 });
      // Stale (another version), dead (stopped: its main shell is gone) or surplus sandboxes go.
      for (const warm of [...pool.idle]) {
        if (warm.key !== key || (running && !running.has(warm.sandbox.id))) this.discard(pool, warm);
      }
      this.drain(pool, pool.idle.length - pool.target);
      this.startFills(pool);
    }
  }

  private poolOf(environment: Environment, key: string, imageId: string | null): Pool {
    let pool = this.pools.get(environment.id);
    if (!pool) {
      pool = { environment, key, imageId, target: 0, idle: [], filling: 0, failures: 0, retryAt: 0 };
      this.pools.set(environment.id, pool);
    }
    return pool;
  }

  /** Environments with a pool this worker may serve: all teams' for the default pool, its own team's for a host. */
  private async pooledEnvironments(): Promise<Environment[]> {
    const { db, settings } = this.deps;
    if ((settings.warmPoolMaxSize ?? 0) <= 0) return [];
    const teamIds = settings.workerHost
      ? (await db.teamWorkerHost.findMany({ where: { host: settings.workerHost }, select: { teamId: true } })).map(
          (row) => row.teamId,
        )
      : undefined;
    return db.environment.findMany({
      where: { warmPoolSize: { gt: 0 }, deletedAt: null, ...(teamIds && { teamId: { in: teamIds } }) },
      orderBy: { createdAt: "asc" },
    });
  }

  /** Ids of this worker's running sandboxes, or null when Docker cannot say (nothing is discarded then). */
  private async runningSandboxIds(): Promise<Set<string> | null> {
    const listed = await this.deps.sandboxes.list({ workerId: this.deps.settings.workerId }).catch(() => null);
    return listed && new Set(listed.filter((sandbox) => sandbox.running).map((sandbox) => sandbox.id));
  }

  private drain(pool: Pool, count: number): void {
    for (const warm of pool.idle.slice(0, Math.max(0, count))) this.discard(pool, warm);
  }

  private discard(pool: Pool, warm: WarmSandbox): void {
    pool.idle.splice(pool.idle.indexOf(warm), 1);
    this.recordReady(pool);
    void warm.sandbox.destroy().catch((err: unknown) => this.deps.log.warn({ err }, "could not remove a warm sandbox"));
  }

  private startFills(pool: Pool): void {
    while (
      pool.idle.length + pool.filling < pool.target &&
      this.fillsRunning < FILLS_AT_ONCE &&
      Date.now() >= pool.retryAt &&
      !this.closing.signal.aborted
    ) {
      const fill = this.fill(pool).finally(() => {
        this.fills.delete(fill);
        void this.refresh(); // the next fill, for this pool or another
      });
      this.fills.add(fill);
    }
  }

  private async fill(pool: Pool): Promise<void> {
    const { environment, imageId, key } = pool;
    pool.filling += 1;
    this.fillsRunning += 1;
    try {
      const prepared = await prepareWarmSandbox(this.deps, environment, imageId, this.closing.signal).catch(
        (err: unknown) => ({ ok: false as const, reason: (err as Error).message }),
      );
      if (!prepared.ok) return this.failed(pool, prepared.reason);
      pool.failures = 0;
      delete pool.failure;
      const current = this.pools.get(environment.id) === pool && pool.key === key && !this.closing.signal.aborted;
      if (current && pool.idle.length < pool.target) {
        pool.idle.push(prepared.warm);
        this.recordReady(pool);
      } else await prepared.warm.sandbox.destroy().catch(() => {});
    } finally {
      pool.filling -= 1;
      this.fillsRunning -= 1;
    }
  }

  /** A failed fill waits before the next try (1 s, 2 s, 4 s … up to a minute); runs start cold meanwhile. */
  private failed(pool: Pool, reason: string): void {
    pool.failures += 1;
    pool.failure = reason;
    pool.retryAt = Date.now() + Math.min(MAX_RETRY_DELAY_MS, 1_000 * 2 ** (pool.failures - 1));
    this.deps.log.warn(
      { environmentId: pool.environment.id, reason, failures: pool.failures },
      "could not prepare a warm sandbox; runs of the environment start cold meanwhile",
    );
  }
}
