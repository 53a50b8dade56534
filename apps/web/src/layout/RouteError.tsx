import { useRouteError } from "react-router";
import { ProblemMessage } from "../components/ProblemMessage.tsx";

/** Whatever breaks while loading or rendering a page is shown as a problem, never a blank screen. */
export function RouteError() {
  const error = useRouteError();
  return (
    <div className="page">
      <ProblemMessage error={error} onRetry={() => window.location.reload()} />
    </div>
  );
}
