import { Lock } from "lucide-react";
import { useState } from "react";
import { useCreateSecret, useDeleteSecret, useReplaceSecret, useSecrets } from "../api/resources.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { formatDateTime } from "../runs/format.ts";

/** A new value for one secret, typed in its row: the old value is never shown, only replaced. */
function ReplaceSecret({ name }: { name: string }) {
  const replace = useReplaceSecret();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState("");
  const [done, setDone] = useState(false);
  if (!open) {
    return (
      <>
        {done && (
          <span className="small muted" role="status">
            Replaced.{" "}
          </span>
        )}
        <button type="button" className="button small" onClick={() => setOpen(true)}>
          Replace value
        </button>
      </>
    );
  }
  return (
    <form
      className="confirm"
      onSubmit={(e) => {
        e.preventDefault();
        replace.mutate(
          { name, value },
          {
            onSuccess: () => {
              setValue("");
              setOpen(false);
              setDone(true);
            },
          },
        );
      }}
    >
      <input
        aria-label={`New value for ${name}`}
        type="password"
        autoComplete="off"
        required
        autoFocus
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="button small primary" disabled={replace.isPending}>
        Save
      </button>
      <button type="button" className="button small" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {replace.isError && <ProblemMessage error={replace.error} />}
    </form>
  );
}

/** Team secrets: injected into sandboxes as environment variables. Values go in and never come back out. */
export function SecretsSection() {
  const secrets = useSecrets();
  const create = useCreateSecret();
  const remove = useDeleteSecret();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [description, setDescription] = useState("");

  return (
    <div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: name.trim(), value, description: description.trim() || undefined },
            {
              onSuccess: () => {
                setName("");
                setValue("");
                setDescription("");
              },
            },
          );
        }}
      >
        <input
          aria-label="Secret name"
          className="mono"
          placeholder="NAME"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          aria-label="Secret value"
          type="password"
          autoComplete="off"
          placeholder="Value"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <input
          aria-label="Description"
          placeholder="Description (optional)"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <button type="submit" className="button primary small" disabled={create.isPending}>
          Add secret
        </button>
      </form>
      {create.isError && <ProblemMessage error={create.error} />}
      {remove.isError && <ProblemMessage error={remove.error} />}
      {secrets.isError && <ProblemMessage error={secrets.error} onRetry={() => void secrets.refetch()} />}
      {secrets.isPending ? (
        <Spinner />
      ) : secrets.data?.length === 0 ? (
        <EmptyState icon={<Lock size={24} />} title="No secrets">
          Add a secret, then list its name in an environment: runs get it as an environment variable.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="optional">Description</th>
              <th className="optional">Updated</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {secrets.data?.map((secret) => (
              <tr key={secret.name} data-secret={secret.name}>
                <td className="mono">{secret.name}</td>
                <td className="muted optional">{secret.description ?? ""}</td>
                <td className="muted optional">{formatDateTime(secret.updated_at)}</td>
                <td className="right row-actions">
                  <ReplaceSecret name={secret.name} />
                  <ConfirmButton question={`Delete ${secret.name}?`} onConfirm={() => remove.mutate(secret.name)}>
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
