import { useSearchParams } from "react-router";
import { ApiKeyList } from "./ApiKeyList.tsx";
import { MembersSection } from "./MembersSection.tsx";
import { SecretsSection } from "./SecretsSection.tsx";

const TABS = [
  {
    id: "api-keys",
    label: "API keys",
    blurb: "Your personal keys: they act as you. Agent keys live on the Agents page.",
  },
  { id: "secrets", label: "Secrets", blurb: "Encrypted at rest and injected into runs as environment variables." },
  { id: "members", label: "Members", blurb: "Everyone in the team." },
] as const;

export function SettingsPage() {
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t.id === params.get("tab")) ?? TABS[0];
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <div className="tabs" role="tablist">
            {TABS.map((t) => (
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
      </section>
    </div>
  );
}
