/** Who is calling: a human user, or a cloud agent (service account) through its API key. */
export type Principal = UserPrincipal | AgentPrincipal;

export interface UserPrincipal {
  kind: "user";
  userId: string;
  teamId: string;
  teamName: string;
  role: "admin" | "member";
  email: string;
  displayName: string;
  /** The key used, when authenticated by API key (absent for dashboard sessions). */
  apiKeyId?: string;
}

export interface AgentPrincipal {
  kind: "service_account";
  agentId: string;
  teamId: string;
  teamName: string;
  agentName: string;
  onBehalfOfEnabled: boolean;
  apiKeyId: string;
}

/** `user:<uid>` / `service_account:<uid>`. */
export const principalId = (p: Principal): string => (p.kind === "user" ? p.userId : p.agentId);
export const principalString = (p: Principal): string => `${p.kind}:${principalId(p)}`;
