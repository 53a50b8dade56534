import type { InviteDetails } from "@oz/contract";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useAcceptInvite, useInviteDetails } from "../api/session.ts";
import { Field } from "../components/Field.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { AuthCard } from "../session/AuthCard.tsx";

/** Opened from an invitation link (`/invite?token=…`): join the team, with a new account or an existing one. */
export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const details = useInviteDetails(token);

  let body;
  if (!token) body = <p className="muted">This page needs the invitation link you were given.</p>;
  else if (details.isPending) body = <Spinner />;
  else if (details.isError) {
    body = (
      <>
        <ProblemMessage error={details.error} />
        <Link to="/login">Sign in</Link>
      </>
    );
  } else body = <AcceptForm token={token} invite={details.data} />;

  return <AuthCard>{body}</AuthCard>;
}

function AcceptForm({ token, invite }: { token: string; invite: InviteDetails }) {
  const accept = useAcceptInvite();
  const navigate = useNavigate();
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const existing = invite.existing_user;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        accept.mutate(
          { token, password, ...(!existing && { display_name: displayName }) },
          { onSuccess: () => void navigate("/runs", { replace: true }) },
        );
      }}
    >
      <h1>Join {invite.team.name}</h1>
      <p className="muted">
        You are invited as {invite.role === "admin" ? "an admin" : "a member"} ({invite.email}).{" "}
        {existing ? "Enter your password to add this team to your account." : "Choose your name and a password."}
      </p>
      {!existing && (
        <Field label="Your name">
          <input autoComplete="name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
      )}
      <Field label="Password" hint={existing ? undefined : "At least 8 characters."}>
        <input
          type="password"
          autoComplete={existing ? "current-password" : "new-password"}
          minLength={existing ? undefined : 8}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      {accept.isError && <ProblemMessage error={accept.error} />}
      <button type="submit" className="button primary block" disabled={accept.isPending}>
        {accept.isPending ? "Joining…" : `Join ${invite.team.name}`}
      </button>
    </form>
  );
}
