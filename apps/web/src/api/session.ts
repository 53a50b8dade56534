import type {
  AcceptInviteRequest,
  ChangePasswordRequest,
  InviteDetails,
  ListMyTeamsResponse,
  LoginRequest,
  SessionResponse,
  SetupRequest,
  SetupResponse,
  SetupStatus,
} from "@oz/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client.ts";

export const sessionKey = ["session"] as const;

/** The signed-in user; a 401 means "show the sign-in page". */
export const useSession = () =>
  useQuery({ queryKey: sessionKey, queryFn: () => api<SessionResponse>("/auth/session"), retry: false });

/** A mutation that starts a new session: everything cached belonged to the previous one (or none). */
function useSessionStarting<A, R extends SessionResponse>(mutationFn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (session) => {
      client.clear();
      client.setQueryData(sessionKey, session);
    },
  });
}

export const useLogin = () =>
  useSessionStarting((body: LoginRequest) => api<SessionResponse>("/auth/login", { method: "POST", body }));

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/auth/logout", { method: "POST" }),
    onSuccess: () => client.clear(),
  });
}

/** 200 while no user exists (the first admin is still to be created); a 404 problem afterwards. */
export const useSetupStatus = () =>
  useQuery({ queryKey: ["setup"], queryFn: () => api<SetupStatus>("/setup"), retry: false });

export const useCompleteSetup = () =>
  useSessionStarting((body: SetupRequest) => api<SetupResponse>("/setup", { method: "POST", body }));

/** What an invitation link offers (the token goes in the body, never in an API URL). */
export const useInviteDetails = (token: string) =>
  useQuery({
    queryKey: ["invite", token],
    queryFn: () => api<InviteDetails>("/invites/lookup", { method: "POST", body: { token } }),
    retry: false,
    enabled: token !== "",
  });

export const useAcceptInvite = () =>
  useSessionStarting((body: AcceptInviteRequest) => api<SessionResponse>("/invites/accept", { method: "POST", body }));

export const useChangePassword = () =>
  useMutation({
    mutationFn: (body: ChangePasswordRequest) => api<void>("/auth/password", { method: "POST", body }),
  });

export const useMyTeams = () =>
  useQuery({
    queryKey: ["my-teams"],
    queryFn: () => api<ListMyTeamsResponse>("/auth/teams").then((r) => r.teams),
  });

/** Moves the session to another team: every cached page belonged to the previous one. */
export const useSwitchTeam = () =>
  useSessionStarting((teamUid: string) =>
    api<SessionResponse>("/auth/team", { method: "POST", body: { team_uid: teamUid } }),
  );
