import type {
  CreatedInvite,
  CreatedTeamResponse,
  CreateInviteRequest,
  CreateTeamRequest,
  InviteItem,
  ListTeamsResponse,
  TeamMember,
  TeamRole,
} from "@oz/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client.ts";

// The team's members and invitations (admins manage them), and the instance's teams (its administrators).

const enc = encodeURIComponent;

/** A mutation that refreshes the members and invitations lists when it succeeds. */
function useTeamMutation<A, R>(mutationFn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["members"] });
      await client.invalidateQueries({ queryKey: ["invites"] });
    },
  });
}

export const useInvites = (enabled: boolean) =>
  useQuery({
    queryKey: ["invites"],
    queryFn: () => api<{ invites: InviteItem[] }>("/team/invites").then((r) => r.invites),
    enabled,
  });

export const useCreateInvite = () =>
  useTeamMutation((body: CreateInviteRequest) => api<CreatedInvite>("/team/invites", { method: "POST", body }));

export const useWithdrawInvite = () =>
  useTeamMutation((uid: string) => api<void>(`/team/invites/${enc(uid)}`, { method: "DELETE" }));

export const useChangeRole = () =>
  useTeamMutation((m: { uid: string; role: TeamRole }) =>
    api<TeamMember>(`/team/members/${enc(m.uid)}`, { method: "PATCH", body: { role: m.role } }),
  );

export const useRemoveMember = () =>
  useTeamMutation((uid: string) => api<void>(`/team/members/${enc(uid)}`, { method: "DELETE" }));

export const useInstanceTeams = () =>
  useQuery({ queryKey: ["teams"], queryFn: () => api<ListTeamsResponse>("/teams").then((r) => r.teams) });

export function useCreateTeam() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTeamRequest) => api<CreatedTeamResponse>("/teams", { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["teams"] }),
  });
}
