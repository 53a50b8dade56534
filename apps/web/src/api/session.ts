import type { LoginRequest, SessionResponse } from "@oz/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client.ts";

export const sessionKey = ["session"] as const;

/** The signed-in user; a 401 means "show the sign-in page". */
export const useSession = () =>
  useQuery({ queryKey: sessionKey, queryFn: () => api<SessionResponse>("/auth/session"), retry: false });

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api<SessionResponse>("/auth/login", { method: "POST", body }),
    onSuccess: (session) => {
      client.clear();
      client.setQueryData(sessionKey, session);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/auth/logout", { method: "POST" }),
    onSuccess: () => client.clear(),
  });
}
