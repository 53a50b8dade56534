import { z } from "zod";
import { Timestamp } from "./common.ts";

// Ours: `/worker-hosts`, the self-hosted worker hosts (OZ_WORKER_HOST) a team's runs may name in
// `config.worker_host`. `warp` (the default pool) needs no registration.

/** Exactly the characters a queue name keeps as they are, so two names never share one queue. */
export const WorkerHostName = z
  .string()
  .trim()
  .min(1, "host is required")
  .max(63, "host may be at most 63 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "host must be letters, digits, '.', '_' or '-', starting with a letter or digit",
  )
  .refine((host) => host !== "warp", "warp is the default pool and needs no registration");

export const RegisterWorkerHostRequest = z.object({ host: WorkerHostName }).meta({ id: "RegisterWorkerHostRequest" });
export type RegisterWorkerHostRequest = z.infer<typeof RegisterWorkerHostRequest>;

export const WorkerHostItem = z.object({ host: z.string(), created_at: Timestamp }).meta({ id: "WorkerHostItem" });
export type WorkerHostItem = z.infer<typeof WorkerHostItem>;

export const ListWorkerHostsResponse = z
  .object({ worker_hosts: z.array(WorkerHostItem) })
  .meta({ id: "ListWorkerHostsResponse" });

export const WorkerHostParams = z.object({ host: z.string().max(63) });
