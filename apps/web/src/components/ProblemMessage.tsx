import { AlertTriangle } from "lucide-react";
import { problemOf } from "../api/problem.ts";

/** An API failure as its problem title and detail: every error reaches the user in words. */
export function ProblemMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const problem = problemOf(error);
  return (
    <div className="problem" role="alert">
      <AlertTriangle size={18} aria-hidden />
      <div>
        <strong>{problem.title}</strong>
        {problem.detail && <p>{problem.detail}</p>}
        {problem.code && problem.status > 0 && (
          <p className="muted small">
            {problem.status} · {problem.code}
          </p>
        )}
      </div>
      {onRetry && (
        <button type="button" className="button small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
