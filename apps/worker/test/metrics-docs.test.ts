import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiMetrics, describeMetrics, type ApiMetrics, type MetricDescription } from "@oz/metrics";
import { PrometheusScrape } from "@oz/testing";
import { serveMetrics, type MetricsServer } from "../src/metrics/metrics-server.ts";
import { startTestPlatform, type TestPlatform } from "./support/platform.ts";

/**
 * docs/grafana-dashboard.json and docs/metrics.md against what a real API and a real worker export when scraped,
 * so neither can name a metric or a label that does not exist, nor leave one out.
 */

const TOKEN = `scrape-${randomUUID()}`;
const REPOSITORY = new URL("../../../", import.meta.url);
/** Labels Prometheus adds to every series it scrapes, and a histogram's bucket bound. */
const SCRAPE_LABELS = ["instance", "job", "le"];
const METRIC_NAME = /\b(?:oz|process|nodejs)_[a-zA-Z0-9_]+/g;

interface Panel {
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; legendFormat?: string; datasource?: { uid?: string } }[];
}

let platform: TestPlatform;
let apiMetrics: ApiMetrics;
let workerMetricsServer: MetricsServer;
/** Every family a scrape of the API or the worker declares, with its description. */
let exported: Map<string, MetricDescription>;

beforeAll(async () => {
  apiMetrics = createApiMetrics();
  platform = await startTestPlatform({}, { serverOverrides: { metrics: apiMetrics, metricsToken: TOKEN } });
  workerMetricsServer = await serveMetrics({
    registry: platform.worker.deps.metrics.registry,
    port: 0,
    host: "127.0.0.1",
    token: TOKEN,
  });
  const scraped = await Promise.all(
    [`${platform.server.origin}/metrics`, `http://127.0.0.1:${workerMetricsServer.port}/metrics`].map(async (url) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, url).toBe(200);
      return new PrometheusScrape(await res.text());
    }),
  );
  const described = [
    ...describeMetrics(apiMetrics.registry),
    ...describeMetrics(platform.worker.deps.metrics.registry),
  ];
  exported = new Map();
  for (const scrape of scraped)
    for (const family of scrape.families) {
      const description = described.find((metric) => metric.name === family);
      expect(description, family).toBeDefined();
      exported.set(family, description!);
    }
});
afterAll(async () => {
  await workerMetricsServer?.close();
  await platform?.close();
});

/** The exported family a name in an expression belongs to (a histogram's `_bucket`, `_sum`, `_count` series). */
function familyOf(name: string): MetricDescription | undefined {
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return exported.get(name) ?? (histogram ? exported.get(histogram) : undefined);
}

/** Label names an expression uses: in `{…}` selectors and in `by (…)` / `without (…)` clauses. */
function labelsUsed(expr: string): string[] {
  const selectors = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap(([, body]) =>
    [...body!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map(([, label]) => label!),
  );
  const groupings = [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap(([, list]) =>
    list!.split(",").map((label) => label.trim()),
  );
  return [...selectors, ...groupings].filter(Boolean);
}

describe("docs/grafana-dashboard.json", () => {
  let dashboard: { templating: { list: { name: string; type: string; query: string }[] }; panels: Panel[] };
  let graphs: Panel[];
  beforeAll(async () => {
    dashboard = JSON.parse(await readFile(new URL("docs/grafana-dashboard.json", REPOSITORY), "utf8"));
    graphs = dashboard.panels.filter((panel) => panel.type !== "row");
  });

  it("reads from a Prometheus data source chosen on import", () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    expect(graphs.length).toBeGreaterThan(0);
    for (const panel of graphs) {
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe("${datasource}");
    }
  });

  it("queries only metrics and labels a real API or worker exports", () => {
    for (const panel of graphs) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr = "", legendFormat = "" } of panel.targets ?? []) {
        const names = expr.match(METRIC_NAME) ?? [];
        expect(names, `${panel.title}: ${expr}`).not.toEqual([]);
        const families = names.map((name) => {
          const family = familyOf(name);
          expect(family, `${panel.title}: ${name} is not exported`).toBeDefined();
          return family!;
        });
        const known = new Set([...SCRAPE_LABELS, ...families.flatMap((family) => family.labels)]);
        for (const label of labelsUsed(expr))
          expect(known, `${panel.title}: label ${label} in ${expr}`).toContain(label);
        for (const [, label] of legendFormat.matchAll(/\{\{\s*(\w+)\s*\}\}/g))
          expect(known, `${panel.title}: legend label ${label}`).toContain(label);
      }
    }
  });

  it("has a panel for every platform metric", () => {
    const charted = new Set(
      graphs.flatMap((panel) =>
        (panel.targets ?? []).flatMap(({ expr = "" }) => (expr.match(METRIC_NAME) ?? []).map((n) => familyOf(n)?.name)),
      ),
    );
    const platformMetrics = [...exported.keys()].filter((name) => name.startsWith("oz_"));
    expect(platformMetrics.length).toBeGreaterThanOrEqual(13);
    expect(platformMetrics.filter((name) => !charted.has(name))).toEqual([]);
  });
});

describe("docs/metrics.md", () => {
  it("lists every platform metric with its type and labels", async () => {
    const page = await readFile(new URL("docs/metrics.md", REPOSITORY), "utf8");
    const rows = new Map(
      page
        .split("\n")
        .map((line) => line.split("|").map((cell) => cell.trim()))
        .filter((cells) => /^`oz_\w+`$/.test(cells[1] ?? ""))
        .map((cells) => [cells[1]!.slice(1, -1), { type: cells[2], labels: cells[3] }]),
    );
    for (const metric of exported.values()) {
      if (!metric.name.startsWith("oz_")) continue;
      const row = rows.get(metric.name);
      expect(row, `${metric.name} is not in docs/metrics.md`).toBeDefined();
      expect(row!.type, metric.name).toBe(metric.type);
      const documented = [...(row!.labels ?? "").matchAll(/`(\w+)`/g)].map(([, label]) => label);
      expect(documented, metric.name).toEqual(metric.labels);
    }
    expect([...rows.keys()].filter((name) => !exported.has(name))).toEqual([]);
  });
});
