import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useLogin, useSession, useSetupStatus } from "../api/session.ts";
import { Field } from "../components/Field.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";

/** Only same-site paths: `?next=https://evil.example` must not become an open redirect. */
export const safeNext = (next: string | null) =>
  next && next.startsWith("/") && !next.startsWith("//") ? next : "/runs";

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const login = useLogin();
  const setup = useSetupStatus();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = safeNext(params.get("next"));

  if (session.isSuccess) return <Navigate to={next} replace />;
  return (
    <main className="login">
      <form
        className="login-card"
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate({ email, password }, { onSuccess: () => void navigate(next, { replace: true }) });
        }}
      >
        <div className="brand large">
          <span className="logo">oz</span> Oz
        </div>
        <h1>Sign in</h1>
        <p className="muted">Cloud agent runs, agents and environments of your team.</p>
        {setup.isSuccess && (
          <p className="notice" role="status">
            No account exists yet. Open the one-time setup link the API printed when it started (also in its
            .data/setup-token file) to create the first admin.
          </p>
        )}
        <Field label="Email">
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {login.isError && <ProblemMessage error={login.error} />}
        <button type="submit" className="button primary block" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
