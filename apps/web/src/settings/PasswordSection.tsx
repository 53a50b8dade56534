import { useState } from "react";
import { useChangePassword } from "../api/session.ts";
import { Field } from "../components/Field.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";

/** Change one's own password: every other signed-in browser is signed out. */
export function PasswordSection() {
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  return (
    <form
      className="narrow-form"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate(
          { current_password: current, new_password: next },
          {
            onSuccess: () => {
              setCurrent("");
              setNext("");
            },
          },
        );
      }}
    >
      <Field label="Current password">
        <input
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </Field>
      <Field label="New password" hint="At least 8 characters. Your other signed-in browsers will be signed out.">
        <input
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </Field>
      {change.isError && <ProblemMessage error={change.error} />}
      {change.isSuccess && (
        <p className="reveal" role="status">
          Password changed. Other sessions were signed out.
        </p>
      )}
      <button type="submit" className="button primary" disabled={change.isPending}>
        Change password
      </button>
    </form>
  );
}
