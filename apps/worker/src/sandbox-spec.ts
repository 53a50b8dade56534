import type { Environment } from "@oz/db";
import type { SandboxSpec } from "@oz/sandbox";
import { SANDBOX_PATHS, type WorkerSettings } from "./settings.ts";

/** What a sandbox of `environment` (or of the worker's defaults) is, whoever it is for: a run, or a warm pool. */
export type SandboxShape = Pick<SandboxSpec, "image" | "network" | "resources" | "workdir" | "directories">;

/** The environment's image, network and limits (capped at the operator's maxima), and the sandbox's paths. */
export function sandboxShapeOf(environment: Environment | null, settings: WorkerSettings): SandboxShape {
  return {
    image: environment?.dockerImage ?? settings.defaultImage,
    network: environment?.network === "none" ? "none" : "bridge",
    resources: withinMaxima(
      {
        cpus: environment?.cpus ?? settings.defaultResources.cpus,
        memoryMb: environment?.memoryMb ?? settings.defaultResources.memoryMb,
        pidsLimit: environment?.pidsLimit ?? settings.defaultResources.pidsLimit,
      },
      settings.sandboxMaxima,
    ),
    workdir: SANDBOX_PATHS.workspace,
    directories: [SANDBOX_PATHS.artifacts],
  };
}

/** Variables every sandbox has, whether it was started for its run or taken from a warm pool. */
export const SANDBOX_PATH_ENV = {
  OZ_WORKSPACE: SANDBOX_PATHS.workspace,
  OZ_ARTIFACTS_DIR: SANDBOX_PATHS.artifacts,
} as const;

/** The API refuses larger sandboxes; an environment saved before the maxima were lowered is capped here. */
function withinMaxima(
  resources: { cpus: number; memoryMb: number; pidsLimit: number },
  maxima: WorkerSettings["sandboxMaxima"],
) {
  if (!maxima) return resources;
  return {
    cpus: Math.min(resources.cpus, maxima.cpus),
    memoryMb: Math.min(resources.memoryMb, maxima.memoryMb),
    pidsLimit: Math.min(resources.pidsLimit, maxima.pidsLimit),
  };
}
