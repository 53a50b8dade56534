import type { AgentRunParams, AgentRunResponse, RunItem, RunsPage } from "@oz/contract";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type QueryValue } from "./client.ts";
import { isTerminalRunState } from "@oz/contract/run-states";

/** How often live views poll: running rows change state, new runs appear. */
export const LIVE_INTERVAL_MS = 2500;

/** Ended runs stop polling (the states are named once, in the contract). */
export const isTerminal = isTerminalRunState;

/** `GET /agent/runs`, a page at a time (cursor pagination), refreshed while the page is visible. */
export function useRunPages(query: Record<string, QueryValue>) {
  return useInfiniteQuery({
    queryKey: ["runs", query],
    queryFn: ({ pageParam, signal }) =>
      api<RunsPage>("/agent/runs", { query: { ...query, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.page_info.has_next_page ? page.page_info.next_cursor : undefined),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });
}

export function useRun(runId: string) {
  return useQuery({
    queryKey: ["run", runId],
    queryFn: ({ signal }) => api<RunItem>(`/agent/runs/${encodeURIComponent(runId)}`, { signal }),
    refetchInterval: (q) => (q.state.data && isTerminal(q.state.data.state) ? false : LIVE_INTERVAL_MS),
  });
}

export function useCreateRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (params: AgentRunParams) =>
      api<AgentRunResponse>("/agent/runs", { method: "POST", body: params, headers: { "x-oz-source": "WEB_APP" } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["runs"] }),
  });
}

export function useCancelRun(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<string>(`/agent/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["run", runId] });
      void client.invalidateQueries({ queryKey: ["runs"] });
    },
  });
}

/** `POST /agent/runs/{id}/followups`: a message to the run's agent (a new execution when the run has ended). */
export function useSendFollowup(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (message: string) =>
      api<unknown>(`/agent/runs/${encodeURIComponent(runId)}/followups`, { method: "POST", body: { message } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["run", runId] });
      void client.invalidateQueries({ queryKey: ["runs"] });
    },
  });
}
