import type {
  CreateScheduledAgentRequest,
  ScheduledAgentItem,
  ScheduleListResponse,
  UpdateScheduledAgentRequest,
} from "@oz/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client.ts";
import { LIVE_INTERVAL_MS } from "./runs.ts";

// Scheduled agents (`/agent/schedules`): the list, one schedule, and the changes. Every change refreshes both
// (`["schedules"]` prefixes each schedule's own key), since a pause or an edit moves `next_run` in the list too.

const enc = encodeURIComponent;
const KEY = ["schedules"] as const;

/** Every schedule the caller can see, alphabetically by name (the API's order). Polled: ticks change `last_ran`. */
export const useSchedules = () =>
  useQuery({
    queryKey: KEY,
    queryFn: () => api<ScheduleListResponse>("/agent/schedules").then((r) => r.schedules),
    refetchInterval: LIVE_INTERVAL_MS,
  });

export const useSchedule = (id: string) =>
  useQuery({
    queryKey: [...KEY, id],
    queryFn: () => api<ScheduledAgentItem>(`/agent/schedules/${enc(id)}`),
    refetchInterval: LIVE_INTERVAL_MS,
  });

function useScheduleMutation<A, R>(mutationFn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => client.invalidateQueries({ queryKey: KEY }) });
}

export const useSaveSchedule = () =>
  useScheduleMutation((s: { id?: string; body: CreateScheduledAgentRequest | UpdateScheduledAgentRequest }) =>
    s.id
      ? api<ScheduledAgentItem>(`/agent/schedules/${enc(s.id)}`, { method: "PUT", body: s.body })
      : api<ScheduledAgentItem>("/agent/schedules", { method: "POST", body: s.body }),
  );

/** Pause (`enabled: false`) or resume (`true`). */
export const useSetScheduleEnabled = () =>
  useScheduleMutation((s: { id: string; enabled: boolean }) =>
    api<ScheduledAgentItem>(`/agent/schedules/${enc(s.id)}/${s.enabled ? "resume" : "pause"}`, { method: "POST" }),
  );

export const useDeleteSchedule = () =>
  useScheduleMutation((id: string) => api(`/agent/schedules/${enc(id)}`, { method: "DELETE" }));
