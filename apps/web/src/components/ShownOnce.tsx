import type { ReactNode } from "react";
import { CopyButton } from "./CopyButton.tsx";

/** A secret the server shows only once (a new API key, an invitation link): the value, Copy, and what to do. */
export function ShownOnce({
  value,
  testId,
  children,
  onDone,
}: {
  value: string;
  testId: string;
  /** What the value is and that it will not be shown again. */
  children: ReactNode;
  onDone?: () => void;
}) {
  return (
    <div className="reveal" role="status">
      <p>{children}</p>
      <div className="reveal-row">
        <code className="secret-value" data-testid={testId}>
          {value}
        </code>
        <CopyButton text={value} />
        {onDone && (
          <button type="button" className="button small ghost" onClick={onDone}>
            Done
          </button>
        )}
      </div>
    </div>
  );
}
