import type { CreatedTeamResponse } from "@oz/contract";
import { useState } from "react";
import { useCreateTeam, useInstanceTeams } from "../api/accounts.ts";
import { ShownOnce } from "../components/ShownOnce.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { formatDateTime } from "../runs/format.ts";

/** The instance's teams (its administrators only): create one and hand its first admin the invitation link. */
export function TeamsSection() {
  const teams = useInstanceTeams();
  const create = useCreateTeam();
  const [name, setName] = useState("");
  const [adminEmail, setAdminEmail] = useState("");
  const [created, setCreated] = useState<CreatedTeamResponse | null>(null);
  return (
    <div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: name.trim(), admin_email: adminEmail.trim() },
            {
              onSuccess: (team) => {
                setCreated(team);
                setName("");
                setAdminEmail("");
              },
            },
          );
        }}
      >
        <input
          aria-label="Team name"
          placeholder="Team name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          aria-label="First admin's email"
          type="email"
          placeholder="First admin's email"
          required
          value={adminEmail}
          onChange={(e) => setAdminEmail(e.target.value)}
        />
        <button type="submit" className="button primary small" disabled={create.isPending}>
          Create team
        </button>
      </form>
      {create.isError && <ProblemMessage error={create.error} />}
      {created && (
        <ShownOnce value={created.invite.invite_url} testId="team-invite-link" onDone={() => setCreated(null)}>
          <strong>
            Send this link to {created.invite.email}, the first admin of {created.team.name}.
          </strong>{" "}
          It works once, for 7 days, and is shown only now.
        </ShownOnce>
      )}
      {teams.isPending ? (
        <Spinner />
      ) : teams.isError ? (
        <ProblemMessage error={teams.error} onRetry={() => void teams.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Team</th>
              <th>Members</th>
              <th className="optional">Created</th>
            </tr>
          </thead>
          <tbody>
            {teams.data.map((team) => (
              <tr key={team.uid} data-team={team.name}>
                <td>{team.name}</td>
                <td>{team.member_count}</td>
                <td className="muted optional">{formatDateTime(team.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
