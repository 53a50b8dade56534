import type { NewRunEvent } from "@oz/contract";
import type { Sandbox } from "@oz/sandbox";
import type { PreparationPlan } from "../prepare-sandbox.ts";

/** A started, cloned and set-up sandbox of an environment's warm pool, waiting for the one run it will serve. */
export interface WarmSandbox {
  sandbox: Sandbox;
  environmentId: string;
  teamId: string;
  /** The environment version and image it was prepared from (poolKeyOf): a sandbox of another key is stale. */
  key: string;
  /** Where the run's harness works and where each repo was cloned. */
  plan: PreparationPlan;
  /** The preparation's transcript (setup_step and output events), replayed into the run that takes it. */
  setupEvents: NewRunEvent[];
}

/**
 * Which version of an environment a warm sandbox was prepared from: the environment's last change and the id
 * (content digest) of its image as the daemon has it. A change to either makes the pool's sandboxes stale.
 */
export function poolKeyOf(environment: { id: string; updatedAt: Date }, imageId: string | null): string {
  return `${environment.id}@${environment.updatedAt.getTime()}/${imageId ?? "missing"}`;
}
