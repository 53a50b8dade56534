export { createRedis, createFailFastRedis } from "./redis.ts";
export { RunQueues, runQueueName, RUN_JOB_ATTEMPTS, DEFAULT_QUEUE_PREFIX, type RunJobData } from "./run-queues.ts";
export {
  runCancelChannel,
  runFollowupChannel,
  publishCancel,
  publishFollowup,
  workerHostKey,
  isWorkerHostConnected,
} from "./control.ts";
export {
  ScheduleTriggers,
  SCHEDULE_QUEUE,
  type ScheduleTickJobData,
  type ScheduleTiming,
} from "./schedule-triggers.ts";
export { readQueueStats, QUEUE_JOB_STATUSES, type QueueJobStatus, type QueueStats } from "./queue-stats.ts";
