import { describe, expect, it } from "vitest";
import { filtersFromSearch, listQueryOf, searchFromFilters } from "./run-filters.ts";

const SELF = "U1aaaaaaaaaaaaaaaaaaaa";

describe("run filters in the URL", () => {
  it("reads every filter from a shared link and writes the same link back", () => {
    const link =
      "tab=personal&status=working&status=failed&source=API&agent=A1&name=nightly&environment=E1&schedule=S1&from=2026-03-01&to=2026-03-07&q=deploy";
    const filters = filtersFromSearch(new URLSearchParams(link));
    expect(filters).toEqual({
      tab: "personal",
      statuses: ["working", "failed"],
      source: "API",
      creator: undefined,
      agent: "A1",
      configName: "nightly",
      environment: "E1",
      schedule: "S1",
      from: "2026-03-01",
      to: "2026-03-07",
      q: "deploy",
    });
    expect(searchFromFilters(filters).toString()).toBe(link);
  });

  it("gives a plain list a plain URL and ignores junk in a hand-edited one", () => {
    const filters = filtersFromSearch(new URLSearchParams("status=bogus&from=yesterday&q=%20%20"));
    expect(filters).toEqual({
      tab: "all",
      statuses: [],
      source: undefined,
      creator: undefined,
      agent: undefined,
      configName: undefined,
      environment: undefined,
      schedule: undefined,
      from: undefined,
      to: undefined,
      q: undefined,
    });
    expect(searchFromFilters(filters).toString()).toBe("");
  });

  it("keeps statuses in the dashboard's order whatever order the link has", () => {
    expect(filtersFromSearch(new URLSearchParams("status=cancelled&status=working")).statuses).toEqual([
      "working",
      "cancelled",
    ]);
  });
});

describe("run filters as an API query", () => {
  it("turns statuses into the run states they stand for", () => {
    const query = listQueryOf(filtersFromSearch(new URLSearchParams("status=failed&status=working")), SELF);
    expect(query.state).toEqual(["QUEUED", "PENDING", "CLAIMED", "INPROGRESS", "FAILED", "ERROR"]);
  });

  it("asks for the signed-in user's runs on the Personal tab, ignoring a creator filter", () => {
    expect(listQueryOf(filtersFromSearch(new URLSearchParams("tab=personal&creator=U2")), SELF).creator).toBe(SELF);
    expect(listQueryOf(filtersFromSearch(new URLSearchParams("creator=U2")), SELF).creator).toBe("U2");
    expect(listQueryOf(filtersFromSearch(new URLSearchParams("")), SELF).creator).toBeUndefined();
  });

  it("maps the other filters onto their query parameters, newest runs first", () => {
    const query = listQueryOf(
      filtersFromSearch(new URLSearchParams("source=CLI&agent=A1&name=nightly&environment=empty-environment&q=fix")),
      SELF,
    );
    expect(query).toMatchObject({
      sort_by: "created_at",
      sort_order: "desc",
      source: "CLI",
      executor: "A1",
      config_name: "nightly",
      environment_id: "empty-environment",
      q: "fix",
    });
  });

  it("covers whole local days: from the first day's midnight to the midnight after the last", () => {
    const query = listQueryOf(filtersFromSearch(new URLSearchParams("from=2026-03-01&to=2026-03-01")), SELF);
    expect(query.created_after).toBe(new Date(2026, 2, 1).toISOString());
    expect(query.created_before).toBe(new Date(2026, 2, 2).toISOString());
  });
});
