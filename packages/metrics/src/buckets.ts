/** Histogram buckets, in seconds, for what each kind of duration typically spans. */

/** An HTTP request: a millisecond to a few seconds (a long SSE stream is not timed; see http-metrics). */
export const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Enqueue → claimed / running: tens of milliseconds when idle, minutes when the queue is backed up. */
export const DISPATCH_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** A sandbox's start (container create + start + ready line): sub-second, up to an image pull. */
export const SANDBOX_START_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];
