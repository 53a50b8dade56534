import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions } from "rate-limiter-flexible";
import { ApiError } from "@oz/errors";

export interface SignInThrottleOptions {
  /** Failed sign-ins an account may have within the window before its attempts are paced. */
  accountFreeFailures?: number;
  /** The same for one client address (higher: many people may share one). */
  addressFreeFailures?: number;
  /** How long failures are remembered, from the first one. */
  windowSeconds?: number;
  /** The wait after the first attempt beyond the free ones; each further one doubles it. */
  firstWaitSeconds?: number;
  maxWaitSeconds?: number;
}

const DEFAULTS: Required<SignInThrottleOptions> = {
  accountFreeFailures: 5,
  addressFreeFailures: 30,
  windowSeconds: 15 * 60,
  firstWaitSeconds: 1,
  maxWaitSeconds: 15 * 60,
};

type Scope = "account" | "address";

/** A counter of attempts and a one-attempt gate per scope; both in Redis, so every API process shares them. */
interface ScopeLimiters {
  attempts: RateLimiterRedis;
  gate: RateLimiterRedis;
  free: number;
}

/**
 * Slows password guessing per account and per client address. Every attempt is counted before its password
 * is checked (so parallel guesses count too). Beyond the free ones, one attempt at a time may go through,
 * and after it fails the next must wait, the wait doubling each time (1 s, 2 s, 4 s … up to 15 min); the
 * others are a 429 with `Retry-After`, without spending a password hash. A successful sign-in clears its
 * account's count. If Redis cannot be reached, each process counts in memory meanwhile
 * (rate-limiter-flexible's insurance limiter).
 */
export class SignInThrottle {
  private readonly scopes: Record<Scope, ScopeLimiters>;
  private readonly options: Required<SignInThrottleOptions>;

  constructor(redis: Redis, keyPrefix: string, options: SignInThrottleOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    const limiter = (name: string, opts: IRateLimiterOptions) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}:sign-in:${name}`,
        insuranceLimiter: new RateLimiterMemory(opts),
        ...opts,
      });
    const scope = (name: Scope, free: number): ScopeLimiters => ({
      attempts: limiter(`${name}-attempts`, { points: Number.MAX_SAFE_INTEGER, duration: this.options.windowSeconds }),
      gate: limiter(`${name}-gate`, { points: 1, duration: this.options.firstWaitSeconds }),
      free,
    });
    this.scopes = {
      account: scope("account", this.options.accountFreeFailures),
      address: scope("address", this.options.addressFreeFailures),
    };
  }

  /** Counts an attempt for the email and the address, or throws a 429 saying how long to wait. */
  async admit(email: string, address: string): Promise<void> {
    await this.admitIn("account", accountKey(email));
    await this.admitIn("address", address);
  }

  /** The attempt's password was wrong: where it was beyond the free ones, the next must wait. */
  async failed(email: string, address: string): Promise<void> {
    await Promise.all([this.failedIn("account", accountKey(email)), this.failedIn("address", address)]);
  }

  /** The account signed in: its earlier failures no longer count (the address's still do). */
  async succeeded(email: string): Promise<void> {
    const { attempts, gate } = this.scopes.account;
    const key = accountKey(email);
    await Promise.all([attempts.delete(key), gate.delete(key)]).catch(() => {});
  }

  private async admitIn(scope: Scope, key: string): Promise<void> {
    const { attempts, gate, free } = this.scopes[scope];
    const counted = await attempts.consume(key);
    if (counted.consumedPoints <= free) return;
    try {
      // Taken atomically: of parallel attempts, one goes through. It holds the gate while its password is
      // checked, and a failure holds it for the wait (`failedIn`).
      await gate.consume(key, 1, { customDuration: this.waitAfter(counted.consumedPoints - free) });
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      await attempts.reward(key, 1); // a refused attempt does not lengthen the next wait
      throw tooManyAttempts(scope, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    }
  }

  private async failedIn(scope: Scope, key: string): Promise<void> {
    const { attempts, gate, free } = this.scopes[scope];
    const beyond = ((await attempts.get(key))?.consumedPoints ?? 0) - free;
    if (beyond > 0) await gate.block(key, this.waitAfter(beyond));
  }

  /** Seconds to wait after the n-th attempt beyond the free ones. */
  private waitAfter(n: number): number {
    return Math.min(this.options.firstWaitSeconds * 2 ** (n - 1), this.options.maxWaitSeconds);
  }
}

/** Emails are keys in Redis; a hash keeps them out of it. */
const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");

function tooManyAttempts(scope: Scope, seconds: number) {
  const whose = scope === "account" ? "for this account" : "from this address";
  return new ApiError(
    "resource_unavailable",
    `too many failed sign-ins ${whose}; try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
    { title: "Too many sign-in attempts.", retryAfterSeconds: seconds },
  );
}
