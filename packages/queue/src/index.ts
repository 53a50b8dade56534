export { createRedis, createFailFastRedis } from "./redis.ts";
export { RunQueues, runQueueName, RUN_JOB_ATTEMPTS, DEFAULT_QUEUE_PREFIX, type RunJobData } from "./run-queues.ts";
export {
  RUN_CANCEL_CHANNEL,
  RUN_FOLLOWUP_CHANNEL,
  publishCancel,
  publishFollowup,
  workerHostKey,
  isWorkerHostConnected,
} from "./control.ts";
