import type { SessionResponse } from "@oz/contract";
import { createContext, useContext, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { problemOf } from "../api/problem.ts";
import { useSession } from "../api/session.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";

const SessionContext = createContext<SessionResponse | null>(null);

/** The signed-in user; only inside <SignedIn>. */
export function useSignedInUser(): SessionResponse {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSignedInUser outside <SignedIn>");
  return session;
}

/** Renders its children for a signed-in user and sends everyone else to the sign-in page, then back. */
export function SignedIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Spinner />;
  if (session.isError) {
    if (problemOf(session.error).status === 401) {
      const next = location.pathname + location.search;
      return <Navigate to={`/login${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`} replace />;
    }
    return (
      <div className="page">
        <ProblemMessage error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  return <SessionContext value={session.data}>{children}</SessionContext>;
}
