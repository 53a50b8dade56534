export { appendRunEvents, insertRunEvents, isSeqCollision, listRunEvents } from "./store.ts";
export { publishRunEvents, runEventsChannel, RunEventHub } from "./live.ts";
export { RunEventLog } from "./run-event-log.ts";
export { createOutputBuffer, type OutputBuffer } from "./output-buffer.ts";
