import type { SetupResponse } from "@oz/contract";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { problemOf } from "../api/problem.ts";
import { useCompleteSetup, useSetupStatus } from "../api/session.ts";
import { Field } from "../components/Field.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { ShownOnce } from "../components/ShownOnce.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { AuthCard } from "../session/AuthCard.tsx";

/** The first admin: opened from the link the API printed at its first start (`/setup?token=…`). */
export function SetupPage() {
  const [params] = useSearchParams();
  const status = useSetupStatus();
  const [created, setCreated] = useState<SetupResponse | null>(null);

  let body;
  if (created) body = <FirstApiKey session={created} />;
  else if (status.isPending) body = <Spinner />;
  else if (status.isError && problemOf(status.error).status === 404) body = <SetupDone />;
  else if (status.isError) body = <ProblemMessage error={status.error} onRetry={() => void status.refetch()} />;
  else body = <SetupForm token={params.get("token") ?? ""} onCreated={setCreated} />;

  return <AuthCard>{body}</AuthCard>;
}

function SetupDone() {
  return (
    <>
      <h1>Setup is done</h1>
      <p className="muted">This instance already has an admin.</p>
      <Link className="button primary block" to="/login">
        Sign in
      </Link>
    </>
  );
}

function SetupForm({ token, onCreated }: { token: string; onCreated: (session: SetupResponse) => void }) {
  const setup = useCompleteSetup();
  const [form, setForm] = useState({ team_name: "", display_name: "", email: "", password: "" });
  const field = (name: keyof typeof form) => ({
    value: form[name],
    required: true,
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setup.mutate({ token, ...form }, { onSuccess: onCreated });
      }}
    >
      <h1>Create the first admin</h1>
      <p className="muted">
        Name your team and create its admin account. This link works once; the admin can invite everyone else.
      </p>
      {!token && (
        <p className="problem" role="alert">
          This page needs the setup link the API printed when it started (it is also in .data/setup-token).
        </p>
      )}
      <Field label="Team name">
        <input autoComplete="organization" {...field("team_name")} />
      </Field>
      <Field label="Your name">
        <input autoComplete="name" {...field("display_name")} />
      </Field>
      <Field label="Email">
        <input type="email" autoComplete="username" {...field("email")} />
      </Field>
      <Field label="Password" hint="At least 8 characters.">
        <input type="password" autoComplete="new-password" minLength={8} {...field("password")} />
      </Field>
      {setup.isError && <ProblemMessage error={setup.error} />}
      <button type="submit" className="button primary block" disabled={setup.isPending || !token}>
        {setup.isPending ? "Creating…" : "Create admin"}
      </button>
    </form>
  );
}

/** The admin's first API key, shown this once (only its hash is kept). */
function FirstApiKey({ session }: { session: SetupResponse }) {
  const navigate = useNavigate();
  return (
    <>
      <h1>Welcome, {session.user.display_name}</h1>
      <p className="muted">
        {session.team.name} is ready and you are signed in. Here is your first API key, for the CLI, SDKs and CI.
      </p>
      <ShownOnce value={session.api_key} testId="first-api-key">
        <strong>Copy your API key now.</strong> It is shown only once; only a hash is kept.
      </ShownOnce>
      <button type="button" className="button primary block" onClick={() => void navigate("/runs", { replace: true })}>
        Continue to the dashboard
      </button>
    </>
  );
}
