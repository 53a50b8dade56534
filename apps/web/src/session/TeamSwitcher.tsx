import { useNavigate } from "react-router";
import { useMyTeams, useSwitchTeam } from "../api/session.ts";
import { useSignedInUser } from "./SignedIn.tsx";

/** The current team's name; a menu of the user's teams when they belong to more than one. */
export function TeamSwitcher() {
  const { team } = useSignedInUser();
  const teams = useMyTeams();
  const switchTeam = useSwitchTeam();
  const navigate = useNavigate();
  if (!teams.data || teams.data.length < 2) return <span>{team.name}</span>;
  return (
    <select
      className="team-switcher"
      aria-label="Team"
      value={team.uid}
      disabled={switchTeam.isPending}
      onChange={(e) => switchTeam.mutate(e.target.value, { onSuccess: () => void navigate("/runs") })}
    >
      {teams.data.map((t) => (
        <option key={t.uid} value={t.uid}>
          {t.name}
        </option>
      ))}
    </select>
  );
}
