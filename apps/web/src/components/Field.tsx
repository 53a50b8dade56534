import { cloneElement, useId, type ReactElement, type ReactNode } from "react";

/** A labelled form control: the label names exactly the control (its accessible name is the label, nothing more). */
export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: ReactNode;
  children: ReactElement<{ id?: string }>;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id })}
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}
