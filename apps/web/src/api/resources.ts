import type {
  AgentResponse,
  ApiKeyItem,
  CloudEnvironment,
  CreateAgentRequest,
  CreateApiKeyRequest,
  CreateEnvironmentRequest,
  CreateSecretRequest,
  ListTeamMembersResponse,
  ModelList,
  SecretItem,
  TeamBudget,
  UpdateAgentRequest,
  UpdateEnvironmentRequest,
} from "@oz/contract";
import { useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api } from "./client.ts";

// The team's resources: one list query and its mutations each. A mutation refreshes the list it changed.

/** A mutation that refreshes `key` when it succeeds. */
function useMutationRefreshing<A, R>(key: QueryKey, mutationFn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => client.invalidateQueries({ queryKey: key }) });
}

const enc = encodeURIComponent;

export const useAgents = () =>
  useQuery({
    queryKey: ["agents"],
    queryFn: () => api<{ agents: AgentResponse[] }>("/agent/identities").then((r) => r.agents),
  });
export const useSaveAgent = () =>
  useMutationRefreshing(["agents"], (a: { uid?: string; body: CreateAgentRequest | UpdateAgentRequest }) =>
    a.uid
      ? api<AgentResponse>(`/agent/identities/${enc(a.uid)}`, { method: "PUT", body: a.body })
      : api<AgentResponse>("/agent/identities", { method: "POST", body: a.body }),
  );
export const useDeleteAgent = () =>
  useMutationRefreshing(["agents"], (uid: string) => api(`/agent/identities/${enc(uid)}`, { method: "DELETE" }));

export const useEnvironments = () =>
  useQuery({
    queryKey: ["environments"],
    queryFn: () =>
      api<{ environments: CloudEnvironment[] }>("/agent/environments", { query: { sort_by: "name" } }).then(
        (r) => r.environments,
      ),
  });
export const useSaveEnvironment = () =>
  useMutationRefreshing(
    ["environments"],
    (e: { uid?: string; body: CreateEnvironmentRequest | UpdateEnvironmentRequest }) =>
      e.uid
        ? api<CloudEnvironment>(`/agent/environments/${enc(e.uid)}`, { method: "PUT", body: e.body })
        : api<CloudEnvironment>("/agent/environments", { method: "POST", body: e.body }),
  );
export const useDeleteEnvironment = () =>
  useMutationRefreshing(["environments"], (uid: string) =>
    api(`/agent/environments/${enc(uid)}`, { method: "DELETE" }),
  );

export type CreatedApiKey = ApiKeyItem & { key: string };

/** Personal keys of the caller, or the keys of one cloud agent. */
export const useApiKeys = (agentUid?: string) =>
  useQuery({
    queryKey: ["api-keys", agentUid ?? "personal"],
    queryFn: () =>
      api<{ api_keys: ApiKeyItem[] }>("/api-keys", { query: { agent_uid: agentUid } }).then((r) => r.api_keys),
  });
export const useCreateApiKey = () =>
  useMutationRefreshing(["api-keys"], (body: Partial<CreateApiKeyRequest> & { name: string }) =>
    api<CreatedApiKey>("/api-keys", { method: "POST", body }),
  );
export const useDeleteApiKey = () =>
  useMutationRefreshing(["api-keys"], (uid: string) => api(`/api-keys/${enc(uid)}`, { method: "DELETE" }));

export const useSecrets = () =>
  useQuery({
    queryKey: ["secrets"],
    queryFn: () => api<{ secrets: SecretItem[] }>("/secrets").then((r) => r.secrets),
  });
export const useCreateSecret = () =>
  useMutationRefreshing(["secrets"], (body: CreateSecretRequest) =>
    api<SecretItem>("/secrets", { method: "POST", body }),
  );
/** `PUT /secrets/{name}`: a new value for a secret (rotation); its name and description stay. */
export const useReplaceSecret = () =>
  useMutationRefreshing(["secrets"], (a: { name: string; value: string }) =>
    api<SecretItem>(`/secrets/${enc(a.name)}`, { method: "PUT", body: { value: a.value } }),
  );
export const useDeleteSecret = () =>
  useMutationRefreshing(["secrets"], (name: string) => api(`/secrets/${enc(name)}`, { method: "DELETE" }));

export const useTeamBudget = () =>
  useQuery({ queryKey: ["team-budget"], queryFn: () => api<TeamBudget>("/team/budget") });
/** `PUT /team/budget` (admins): a new monthly limit in dollars, or null for none. */
export const useSetTeamBudget = () =>
  useMutationRefreshing(["team-budget"], (monthlyLimitUsd: number | null) =>
    api<TeamBudget>("/team/budget", { method: "PUT", body: { monthly_limit_usd: monthlyLimitUsd } }),
  );

export const useMembers = () =>
  useQuery({
    queryKey: ["members"],
    queryFn: () => api<ListTeamMembersResponse>("/team/members").then((r) => r.members),
  });

/** `GET /models`: the models this server's built-in harness can use (none configured: only the CLIs and commands). */
export const useModels = () =>
  useQuery({ queryKey: ["models"], queryFn: () => api<ModelList>("/models"), staleTime: 60_000 });
