import { useSearchParams } from "react-router";
import { ApiKeyList } from "./ApiKeyList.tsx";
import { BudgetSection } from "./BudgetSection.tsx";
import { TeamsSection } from "../teams/TeamsSection.tsx";
import { useSignedInUser } from "../session/SignedIn.tsx";
import { MembersSection } from "./MembersSection.tsx";
import { PasswordSection } from "./PasswordSection.tsx";
import { SecretsSection } from "./SecretsSection.tsx";

const TABS = [
  {
    id: "api-keys",
    label: "API keys",
    blurb: "Your personal keys: they act as you. Agent keys live on the Agents page.",
  },
  { id: "secrets", label: "Secrets", blurb: "Encrypted at rest and injected into runs as environment variables." },
  { id: "members", label: "Members", blurb: "Everyone in the team. Admins invite, change roles and remove." },
  {
    id: "budget",
    label: "Budget",
    blurb: "The team's monthly spending limit on model inference (UTC calendar month). Admins set it.",
  },
  { id: "password", label: "Password", blurb: "Your sign-in password." },
  { id: "teams", label: "Teams", blurb: "Every team of this instance (instance administrators only)." },
] as const;

export function SettingsPage() {
  const [params, setParams] = useSearchParams();
  const { user } = useSignedInUser();
  const tabs = TABS.filter((t) => t.id !== "teams" || user.instance_admin);
  const tab = tabs.find((t) => t.id === params.get("tab")) ?? TABS[0];
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={t.id === tab.id}
                className={t.id === tab.id ? "tab active" : "tab"}
                onClick={() => setParams({ tab: t.id }, { replace: true })}
              >
                {t.label}
              </button>
            ))}
          </div>
        </div>
      </header>
      <section className="panel">
        <p className="muted small">{tab.blurb}</p>
        {tab.id === "api-keys" && <ApiKeyList />}
        {tab.id === "secrets" && <SecretsSection />}
        {tab.id === "members" && <MembersSection />}
        {tab.id === "budget" && <BudgetSection />}
        {tab.id === "password" && <PasswordSection />}
        {tab.id === "teams" && <TeamsSection />}
      </section>
    </div>
  );
}
