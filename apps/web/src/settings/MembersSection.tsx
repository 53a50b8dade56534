import { useMembers } from "../api/resources.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { formatDateTime } from "../runs/format.ts";

export function MembersSection() {
  const members = useMembers();
  if (members.isPending) return <Spinner />;
  if (members.isError) return <ProblemMessage error={members.error} onRetry={() => void members.refetch()} />;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Email</th>
          <th>Role</th>
          <th className="optional">Joined</th>
        </tr>
      </thead>
      <tbody>
        {members.data.map((m) => (
          <tr key={m.uid}>
            <td>{m.display_name}</td>
            <td className="muted">{m.email}</td>
            <td>
              <span className={m.role === "admin" ? "badge ok" : "badge"}>{m.role}</span>
            </td>
            <td className="muted optional">{formatDateTime(m.joined_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
