import type { CreatedInvite, TeamRole } from "@oz/contract";
import { useState } from "react";
import { useChangeRole, useCreateInvite, useInvites, useRemoveMember, useWithdrawInvite } from "../api/accounts.ts";
import { useMembers } from "../api/resources.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { ShownOnce } from "../components/ShownOnce.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { formatDateTime } from "../runs/format.ts";
import { useSignedInUser } from "../session/SignedIn.tsx";

/** Everyone in the team; admins also invite, change roles and remove. */
export function MembersSection() {
  const { user } = useSignedInUser();
  const isAdmin = user.role === "admin";
  const members = useMembers();
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  return (
    <div>
      {isAdmin && <InviteForm />}
      {changeRole.isError && <ProblemMessage error={changeRole.error} />}
      {remove.isError && <ProblemMessage error={remove.error} />}
      {members.isPending ? (
        <Spinner />
      ) : members.isError ? (
        <ProblemMessage error={members.error} onRetry={() => void members.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th className="optional">Joined</th>
              {isAdmin && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.uid} data-member={m.email}>
                <td>{m.display_name}</td>
                <td className="muted">{m.email}</td>
                <td>
                  {isAdmin ? (
                    <select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ uid: m.uid, role: e.target.value as TeamRole })}
                    >
                      <option value="admin">admin</option>
                      <option value="member">member</option>
                    </select>
                  ) : (
                    <span className={m.role === "admin" ? "badge ok" : "badge"}>{m.role}</span>
                  )}
                </td>
                <td className="muted optional">{formatDateTime(m.joined_at)}</td>
                {isAdmin && (
                  <td className="right">
                    {m.uid !== user.uid && (
                      <ConfirmButton question={`Remove ${m.email}?`} onConfirm={() => remove.mutate(m.uid)}>
                        Remove
                      </ConfirmButton>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && <PendingInvites />}
    </div>
  );
}

/** Invite by email: the link is shown once, to copy and hand over (no mail is sent). */
function InviteForm() {
  const create = useCreateInvite();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<TeamRole>("member");
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  return (
    <>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { email: email.trim(), role },
            {
              onSuccess: (invite) => {
                setCreated(invite);
                setEmail("");
              },
            },
          );
        }}
      >
        <input
          aria-label="Email to invite"
          type="email"
          placeholder="colleague@example.com"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <select aria-label="Invite as" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
          <option value="member">as member</option>
          <option value="admin">as admin</option>
        </select>
        <button type="submit" className="button primary small" disabled={create.isPending}>
          Invite
        </button>
      </form>
      {create.isError && <ProblemMessage error={create.error} />}
      {created && (
        <ShownOnce value={created.invite_url} testId="invite-link" onDone={() => setCreated(null)}>
          <strong>Send this link to {created.email}.</strong> It works once, for 7 days, and is shown only now.
        </ShownOnce>
      )}
    </>
  );
}

function PendingInvites() {
  const invites = useInvites(true);
  const withdraw = useWithdrawInvite();
  if (!invites.data?.length) return null;
  return (
    <>
      <h3>Waiting invitations</h3>
      {withdraw.isError && <ProblemMessage error={withdraw.error} />}
      <table className="table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Role</th>
            <th className="optional">Expires</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {invites.data.map((invite) => (
            <tr key={invite.uid}>
              <td>{invite.email}</td>
              <td>{invite.role}</td>
              <td className="muted optional">{formatDateTime(invite.expires_at)}</td>
              <td className="right">
                <ConfirmButton question="Withdraw?" onConfirm={() => withdraw.mutate(invite.uid)}>
                  Withdraw
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
