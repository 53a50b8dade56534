/** An environment that asks for a warm pool. */
export interface PoolDemand {
  environmentId: string;
  teamId: string;
  /** Its `warm_pool.size`. */
  size: number;
}

/**
 * How many warm sandboxes this worker keeps for each environment: its size, at most the operator's maximum, and
 * only in its team's free run slots — a team's runs in progress plus the warm sandboxes kept for it stay within
 * OZ_TEAM_MAX_CONCURRENT_RUNS (`teamLimit`, 0 = no limit), shared among its environments in the order given.
 * Warm sandboxes never hold a slot a run could claim: as a team's runs take its slots, its pools shrink.
 */
export function poolTargets(
  demands: readonly PoolDemand[],
  limits: { maxSize: number; teamLimit: number },
  activeRunsOf: (teamId: string) => number,
): Map<string, number> {
  const budgets = new Map<string, number>();
  const targets = new Map<string, number>();
  for (const demand of demands) {
    const budget =
      budgets.get(demand.teamId) ??
      (limits.teamLimit > 0 ? Math.max(0, limits.teamLimit - activeRunsOf(demand.teamId)) : Infinity);
    const target = Math.min(demand.size, limits.maxSize, budget);
    targets.set(demand.environmentId, target);
    budgets.set(demand.teamId, budget - target);
  }
  return targets;
}
