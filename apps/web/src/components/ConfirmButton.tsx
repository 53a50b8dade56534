import { useState, type ReactNode } from "react";

/** A destructive action asks once, in place: "Delete" → "Delete? Yes / No". */
export function ConfirmButton({
  children,
  question,
  onConfirm,
  disabled,
  title,
}: {
  children: ReactNode;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  title?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="button small danger-outline"
        disabled={disabled}
        title={title}
        onClick={() => setAsking(true)}
      >
        {children}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="small">{question}</span>
      <button
        type="button"
        className="button small danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes
      </button>
      <button type="button" className="button small" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
