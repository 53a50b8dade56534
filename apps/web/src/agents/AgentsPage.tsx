import type { AgentResponse } from "@oz/contract";
import { Bot, KeyRound, Pencil, Plus, ShieldCheck } from "lucide-react";
import { useState } from "react";
import { useAgents, useDeleteAgent, useEnvironments } from "../api/resources.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { ApiKeyList } from "../settings/ApiKeyList.tsx";
import { AgentDialog } from "./AgentDialog.tsx";

/** Cloud agents: service accounts that runs execute as, with their own API keys. */
export function AgentsPage() {
  const agents = useAgents();
  const environments = useEnvironments();
  const remove = useDeleteAgent();
  const [editing, setEditing] = useState<AgentResponse | "new" | null>(null);
  const [keysOf, setKeysOf] = useState<string | null>(null);
  const envName = (uid?: string) => environments.data?.find((e) => e.uid === uid)?.config.name ?? uid;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Agents</h1>
          <p className="muted">Cloud agents run work on the team's behalf, each with its own keys and defaults.</p>
        </div>
        <button type="button" className="button primary" onClick={() => setEditing("new")}>
          <Plus size={16} /> New agent
        </button>
      </header>
      {agents.isError && <ProblemMessage error={agents.error} onRetry={() => void agents.refetch()} />}
      {remove.isError && <ProblemMessage error={remove.error} />}
      {agents.isPending ? (
        <Spinner />
      ) : agents.data?.length === 0 ? (
        <EmptyState icon={<Bot size={28} />} title="No agents yet">
          Create a cloud agent to run work as a service account instead of as yourself.
        </EmptyState>
      ) : (
        <div className="cards">
          {agents.data?.map((agent) => (
            <article key={agent.uid} className="card" data-agent={agent.name}>
              <header className="card-header">
                <Bot size={18} aria-hidden />
                <h3>{agent.name}</h3>
                {agent.is_default && (
                  <span className="badge" title="Every team has one; it cannot be deleted">
                    <ShieldCheck size={12} /> Default
                  </span>
                )}
                <span className={agent.available ? "badge ok" : "badge bad"}>
                  {agent.available ? "Available" : "Unavailable"}
                </span>
              </header>
              {agent.description && <p className="small">{agent.description}</p>}
              <dl className="facts compact">
                <dt>Harness</dt>
                <dd>
                  {agent.harness?.type ?? "oz"}
                  {agent.harness?.command ? `: ${agent.harness.command}` : ""}
                </dd>
                <dt>Model</dt>
                <dd>{agent.base_model ?? "Team default"}</dd>
                <dt>Environment</dt>
                <dd>{agent.environment_id ? envName(agent.environment_id) : "None"}</dd>
              </dl>
              <footer className="card-actions">
                <button type="button" className="button small" onClick={() => setEditing(agent)}>
                  <Pencil size={14} /> Edit
                </button>
                <button
                  type="button"
                  className="button small"
                  aria-expanded={keysOf === agent.uid}
                  onClick={() => setKeysOf(keysOf === agent.uid ? null : agent.uid)}
                >
                  <KeyRound size={14} /> API keys
                </button>
                <ConfirmButton
                  question={`Delete ${agent.name}?`}
                  onConfirm={() => remove.mutate(agent.uid)}
                  disabled={agent.is_default}
                  title={agent.is_default ? "The default agent cannot be deleted" : undefined}
                >
                  Delete
                </ConfirmButton>
              </footer>
              {keysOf === agent.uid && <ApiKeyList agentUid={agent.uid} />}
            </article>
          ))}
        </div>
      )}
      {editing && <AgentDialog agent={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
