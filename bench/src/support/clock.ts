import { cpus, loadavg } from "node:os";

/**
 * Wall-clock time in milliseconds with sub-millisecond resolution. Sandboxes share the host's clock
 * (containers are not virtual machines), so a time printed inside a sandbox and one read here compare.
 */
export const wallClockMs = (): number => performance.timeOrigin + performance.now();

/**
 * A shell snippet printing the wall clock in microseconds. The test image's busybox `date` has no `%N`, but
 * its `adjtimex` reads the clock (microseconds) without any privilege, even with every capability dropped. Where
 * the host's clock runs in nanosecond mode (STA_NANO, set by some NTP daemons) `tv_usec` holds nanoseconds.
 */
export const SANDBOX_CLOCK_US = `adjtimex | awk '/time.tv_sec/ {s = $2} /time.tv_usec/ {u = $2} /status:/ {n = int($2 / 8192) % 2} END {if (n || u > 999999) u = int(u / 1000); printf "%d%06d", s, u}'`;

/** Microseconds printed by {@link SANDBOX_CLOCK_US}, as wall-clock milliseconds. */
export const sandboxClockMs = (printed: string): number => Number(printed) / 1000;

/** Host load when a figure was taken: it goes into every result, since the machine is shared. */
export function loadAverage(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} on ${cpus().length} cores`;
}
