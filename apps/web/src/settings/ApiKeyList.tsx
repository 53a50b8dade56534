import type { ApiKeyExpiry } from "@oz/contract";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { useApiKeys, useCreateApiKey, useDeleteApiKey, type CreatedApiKey } from "../api/resources.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { ShownOnce } from "../components/ShownOnce.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { formatDateTime, formatRelative } from "../runs/format.ts";

const EXPIRIES: { value: ApiKeyExpiry; label: string }[] = [
  { value: "1d", label: "1 day" },
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days" },
  { value: "never", label: "Never" },
];

/** Personal keys (no agent) or one agent's keys: create (shown once), list masked, delete. */
export function ApiKeyList({ agentUid }: { agentUid?: string }) {
  const keys = useApiKeys(agentUid);
  const create = useCreateApiKey();
  const remove = useDeleteApiKey();
  const [name, setName] = useState("");
  const [expiresIn, setExpiresIn] = useState<ApiKeyExpiry>("90d");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  // On an agent's card there is room for less: name, key, last use.
  const full = !agentUid;

  return (
    <div className="key-list">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: name.trim(), expires_in: expiresIn, ...(agentUid && { agent_uid: agentUid }) },
            {
              onSuccess: (key) => {
                setCreated(key);
                setName("");
              },
            },
          );
        }}
      >
        <input
          aria-label="Key name"
          placeholder="Key name, e.g. CI"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select aria-label="Expires" value={expiresIn} onChange={(e) => setExpiresIn(e.target.value as ApiKeyExpiry)}>
          {EXPIRIES.map((x) => (
            <option key={x.value} value={x.value}>
              Expires: {x.label}
            </option>
          ))}
        </select>
        <button type="submit" className="button primary small" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.isError && <ProblemMessage error={create.error} />}
      {remove.isError && <ProblemMessage error={remove.error} />}
      {created && (
        <ShownOnce value={created.key} testId="new-api-key" onDone={() => setCreated(null)}>
          <strong>Copy your new key now.</strong> It is shown only once; only a hash is kept.
        </ShownOnce>
      )}
      {keys.isError && <ProblemMessage error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isPending ? (
        <Spinner />
      ) : keys.data?.length === 0 ? (
        <EmptyState icon={<KeyRound size={24} />} title="No API keys">
          Create a key to call the API from CI, scripts or the oz CLI.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              {full && <th className="optional">Created</th>}
              {full && <th className="optional">Expires</th>}
              <th>Last used</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {keys.data?.map((key) => (
              <tr key={key.uid} data-key-name={key.name}>
                <td>{key.name}</td>
                <td className="mono">{key.masked_key}</td>
                {full && <td className="muted optional">{formatDateTime(key.created_at)}</td>}
                {full && (
                  <td className="muted optional">{key.expires_at ? formatDateTime(key.expires_at) : "Never"}</td>
                )}
                <td className="muted">{key.last_used_at ? formatRelative(key.last_used_at) : "Never"}</td>
                <td className="right">
                  <ConfirmButton question="Delete this key?" onConfirm={() => remove.mutate(key.uid)}>
                    Delete
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
