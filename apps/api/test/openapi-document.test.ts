import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentRunParams,
  AgentRunResponse,
  Problem,
  RunsPage,
  ScheduleListResponse,
  ScheduledAgentItem,
} from "@oz/contract";
import { operationIdOf } from "../src/http/openapi-document.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

type Examples = Record<string, { value?: unknown; $ref?: string }>;
type MediaType = { examples?: Examples };
type Operation = {
  operationId?: string;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { examples: Record<string, { value: unknown }> };
};
const openApiDocument = async () => (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as Document;

describe("the OpenAPI document, for people and client generators", () => {
  it("names every operation once, describes every response in words, and declares errors as problem+json", async () => {
    const doc = await openApiDocument();
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(20);
    const ids = operations.map(({ label, op }) => op.operationId ?? `missing on ${label}`);
    expect(ids.filter((id) => id.startsWith("missing"))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { label, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${label} ${status}`).not.toBe("Default Response");
        if (Number(status) >= 400 && response.content) {
          expect(Object.keys(response.content), `${label} ${status}`).toEqual(["application/problem+json"]);
        }
      }
    }
    expect(doc.paths["/api/v1/agent/runs/{runId}/log"]?.get?.operationId).toBe("getRunLog");
    // Scheduled agents are named as the SDK names its methods.
    expect(doc.paths["/api/v1/agent/schedules"]?.post?.operationId).toBe("createSchedule");
    expect(doc.paths["/api/v1/agent/schedules/{scheduleId}/pause"]?.post?.operationId).toBe("pauseSchedule");
  });

  it("shows a schedule the server accepts as it stands, and answers like the response example", async () => {
    const doc = await openApiDocument();
    const create = doc.paths["/api/v1/agent/schedules"]!.post!;
    const [request] = Object.values(create.requestBody!.content["application/json"]!.examples!);
    const [response] = Object.values(create.responses["200"]!.content!["application/json"]!.examples!);
    const res = await fetch(`${server.baseUrl}/agent/schedules`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.team.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(request!.value),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const created = ScheduledAgentItem.parse(await res.json());
    const example = ScheduledAgentItem.parse(response!.value);
    expect(Object.keys(created).sort()).toEqual(Object.keys(example).sort());
    expect(created).toMatchObject({
      name: example.name,
      cron_schedule: example.cron_schedule,
      metadata: example.metadata,
    });
    ScheduleListResponse.parse(
      Object.values(
        doc.paths["/api/v1/agent/schedules"]!.get!.responses["200"]!.content!["application/json"]!.examples!,
      )[0]!.value,
    );
  });

  it("shows a command run, a list page and every error as examples that are what the server really accepts and sends", async () => {
    const doc = await openApiDocument();
    const create = doc.paths["/api/v1/agent/runs"]!.post!;
    const [request] = Object.values(create.requestBody!.content["application/json"]!.examples!);
    const parsedRequest = AgentRunParams.parse(request!.value);
    expect(parsedRequest.config?.harness).toMatchObject({ type: "command" });
    AgentRunResponse.parse(Object.values(create.responses["200"]!.content!["application/json"]!.examples!)[0]!.value);
    const list = doc.paths["/api/v1/agent/runs"]!.get!;
    const page = RunsPage.parse(
      Object.values(list.responses["200"]!.content!["application/json"]!.examples!)[0]!.value,
    );
    expect(page.runs.length).toBeGreaterThan(0);

    // The request example works as it stands.
    const res = await fetch(`${server.baseUrl}/agent/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.team.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(request!.value),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(AgentRunResponse.parse(await res.json()).state).toBe("QUEUED");

    // Every documented error status shows the problem of each code answered with it, as the server sends it.
    const shown = (examples: Examples) =>
      Object.fromEntries(
        Object.entries(examples).map(([code, { $ref }]) => [
          code,
          Problem.parse(doc.components.examples[$ref!.replace("#/components/examples/", "")]!.value),
        ]),
      );
    const notFound = shown(create.responses["404"]!.content!["application/problem+json"]!.examples!);
    expect(Object.keys(notFound)).toEqual(["resource_not_found"]);
    const missing = await fetch(`${server.baseUrl}/agent/runs/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${server.team.apiKey}` },
    });
    const real = Problem.parse(await missing.json());
    expect(notFound.resource_not_found).toMatchObject({ type: real.type, title: real.title, status: 404 });
    const invalid = shown(create.responses["400"]!.content!["application/problem+json"]!.examples!);
    expect(Object.keys(invalid)).toContain("invalid_request");
    for (const [code, problem] of Object.entries(invalid)) {
      expect(problem.status).toBe(400);
      expect(problem.type.endsWith(`/docs/errors/${code}`)).toBe(true);
    }
  });

  it("derives readable names for operations that did not name themselves", () => {
    expect(operationIdOf("GET", "/api/v1/agent/runs/{runId}/events")).toBe("getAgentRunsByRunIdEvents");
    expect(operationIdOf("post", "/api/v1/agent/runs")).toBe("postAgentRuns");
  });

  it("explains each error code on a page of its own, linking back to the reference", async () => {
    const res = await fetch(`${server.origin}/docs/errors/resource_unavailable`);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>resource_unavailable · Oz API errors</title>");
    expect(html).toContain('<a href="/docs">API reference</a>');
    expect(html).toMatch(/Retryable<\/dt><dd>yes/);
  });
});
