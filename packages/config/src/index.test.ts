import { describe, expect, it } from "vitest";
import { loadApiConfig, loadWorkerConfig } from "./index.ts";

describe("loadApiConfig", () => {
  it("links to the port the API listens on when OZ_PUBLIC_URL is unset or empty", () => {
    expect(loadApiConfig({ PORT: "18080" }).OZ_PUBLIC_URL).toBe("http://localhost:18080");
    expect(loadApiConfig({ PORT: "18080", OZ_PUBLIC_URL: " " }).OZ_PUBLIC_URL).toBe("http://localhost:18080");
    expect(loadApiConfig({ OZ_PUBLIC_URL: "https://oz.example.com" }).OZ_PUBLIC_URL).toBe("https://oz.example.com");
    expect(() => loadApiConfig({ OZ_PUBLIC_URL: "oz.example.com" })).toThrow(/OZ_PUBLIC_URL: Invalid URL/);
  });

  it("waits five minutes for services at start unless told otherwise", () => {
    expect(loadApiConfig({}).OZ_STARTUP_TIMEOUT_SECONDS).toBe(300);
    expect(loadApiConfig({ OZ_STARTUP_TIMEOUT_SECONDS: "20" }).OZ_STARTUP_TIMEOUT_SECONDS).toBe(20);
    expect(() => loadApiConfig({ OZ_STARTUP_TIMEOUT_SECONDS: "0" })).toThrow(/OZ_STARTUP_TIMEOUT_SECONDS/);
  });
});

describe("loadWorkerConfig", () => {
  it("drains for 30 s by default on SIGTERM", () => {
    expect(loadWorkerConfig({}).OZ_WORKER_DRAIN_SECONDS).toBe(30);
    expect(loadWorkerConfig({ OZ_WORKER_DRAIN_SECONDS: "0" }).OZ_WORKER_DRAIN_SECONDS).toBe(0);
  });

  it("serves metrics only when a port is given, and never mistakes an empty value for port 0", () => {
    expect(loadWorkerConfig({}).OZ_WORKER_METRICS_PORT).toBeUndefined();
    expect(loadWorkerConfig({ OZ_WORKER_METRICS_PORT: "" }).OZ_WORKER_METRICS_PORT).toBeUndefined();
    expect(loadWorkerConfig({ OZ_WORKER_METRICS_PORT: "0" }).OZ_WORKER_METRICS_PORT).toBe(0);
    expect(loadWorkerConfig({ OZ_WORKER_METRICS_PORT: "9464" }).OZ_WORKER_METRICS_PORT).toBe(9464);
    expect(() => loadWorkerConfig({ OZ_WORKER_METRICS_PORT: "metrics" })).toThrow(/OZ_WORKER_METRICS_PORT/);
  });

  it("refuses a guessable scrape token", () => {
    expect(() => loadWorkerConfig({ OZ_METRICS_TOKEN: "short" })).toThrow(/OZ_METRICS_TOKEN: must be at least 16/);
    expect(loadApiConfig({ OZ_METRICS_TOKEN: " " }).OZ_METRICS_TOKEN).toBeUndefined();
  });
});
