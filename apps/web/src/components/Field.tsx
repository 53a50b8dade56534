import { cloneElement, useId, type ReactElement, type ReactNode } from "react";

/**
 * A labelled form control: the label names exactly the control (its accessible name is the label, nothing more).
 * An `error` (e.g. the server's complaint about this field) is shown under it and describes the control.
 */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: ReactElement<{ id?: string; "aria-invalid"?: boolean; "aria-describedby"?: string }>;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, error ? { id, "aria-invalid": true, "aria-describedby": errorId } : { id })}
      {error && (
        <small className="field-error" id={errorId}>
          {error}
        </small>
      )}
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}
