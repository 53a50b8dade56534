import { useState } from "react";
import { useSetTeamBudget, useTeamBudget } from "../api/resources.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useSignedInUser } from "../session/SignedIn.tsx";

const usd = (amount: number) => `$${amount.toFixed(2)}`;

/** What the team spent this month against its limit; admins change the limit or remove it. */
export function BudgetSection() {
  const { user } = useSignedInUser();
  const budget = useTeamBudget();
  const save = useSetTeamBudget();
  const [limit, setLimit] = useState("");
  if (budget.isPending) return <Spinner label="Loading the budget" />;
  if (budget.isError) return <ProblemMessage error={budget.error} />;
  const { monthly_limit_usd: current, spent_usd: spent, period_end: periodEnd } = budget.data;
  const reached = current !== null && spent >= current;
  return (
    <div>
      <p role="status" aria-label="Spending this month">
        Spent <strong>{usd(spent)}</strong> this month
        {current === null ? " — no limit." : ` of ${usd(current)}.`}
        {reached && <span className="badge bad"> Budget reached: new runs are refused.</span>}
      </p>
      <p className="small muted">Spending starts from zero on {periodEnd.slice(0, 10)} (UTC).</p>
      {user.role === "admin" ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(limit.trim() === "" ? null : Number(limit), { onSuccess: () => setLimit("") });
          }}
        >
          <input
            aria-label="Monthly limit (USD)"
            type="number"
            min="0"
            step="0.01"
            placeholder={current === null ? "e.g. 50" : String(current)}
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
          />
          <button type="submit" className="button primary" disabled={save.isPending}>
            {limit.trim() === "" ? "Remove limit" : "Set limit"}
          </button>
          {save.isError && <ProblemMessage error={save.error} />}
        </form>
      ) : (
        <p className="small muted">Only team admins change the budget.</p>
      )}
    </div>
  );
}
