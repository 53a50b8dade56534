import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => cleanup());

// jsdom lays nothing out, so every box measures 0×0 and a virtual list would show no rows. Give boxes a window's
// size, as a browser would: the transcript and log then draw their first screenful (the e2e tests measure for real).
for (const [name, size] of [
  ["clientHeight", 800],
  ["clientWidth", 1000],
] as const) {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => size });
}
