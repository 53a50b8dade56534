import type { SandboxSpec } from "@oz/sandbox";

/** The oz harness tests' sandboxes: no network (the model is reached from the worker, not the sandbox). */
export const OZ_SANDBOX = {
  network: "none",
  resources: { cpus: 1, memoryMb: 512, pidsLimit: 256 },
} satisfies Partial<SandboxSpec>;
