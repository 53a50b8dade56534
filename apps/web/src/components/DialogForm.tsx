import { useState, type ReactNode } from "react";
import { ProblemMessage } from "./ProblemMessage.tsx";

/** What the form shows of the request it sends (a react-query mutation). */
interface Submission {
  isPending: boolean;
  isError: boolean;
  error: unknown;
}

/**
 * The form of a create/edit dialog: its fields, then what stops it (the form's own check, then the server's
 * answer), then Cancel and the submit button, which waits while the request is out.
 */
export function DialogForm({
  onSubmit,
  onCancel,
  problem,
  submission,
  submitLabel,
  children,
}: {
  onSubmit: () => void;
  onCancel: () => void;
  /** Why the form cannot be sent, in words; null when it can. */
  problem: string | null;
  submission: Submission;
  submitLabel: string;
  children: ReactNode;
}) {
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      {problem && <p className="form-error">{problem}</p>}
      {submission.isError && <ProblemMessage error={submission.error} />}
      <div className="actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={submission.isPending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** A form's values and a setter that changes some of them. */
export function useFormFields<T>(initial: T) {
  const [form, setForm] = useState<T>(initial);
  const set = (patch: Partial<T>) => setForm({ ...form, ...patch });
  return [form, set] as const;
}
