import { Send } from "lucide-react";
import { useState } from "react";
import { useSendFollowup } from "../api/runs.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";

/** A message to the run's agent: taken live while it runs, or continuing the run once it has ended. */
export function FollowupBox({ runId, ended, onSent }: { runId: string; ended: boolean; onSent: () => void }) {
  const [message, setMessage] = useState("");
  const send = useSendFollowup(runId);
  return (
    <form
      className="followup-box"
      onSubmit={(e) => {
        e.preventDefault();
        if (!message.trim()) return;
        send.mutate(message.trim(), {
          onSuccess: () => {
            setMessage("");
            onSent();
          },
        });
      }}
    >
      <label htmlFor="followup" className="sr-only">
        Follow-up
      </label>
      <textarea
        id="followup"
        rows={2}
        value={message}
        placeholder={ended ? "Ask for more: the run continues where it stopped" : "Tell the running agent something"}
        onChange={(e) => setMessage(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
        }}
      />
      <button type="submit" className="button primary" disabled={send.isPending || !message.trim()}>
        <Send size={14} aria-hidden /> {send.isPending ? "Sending…" : "Send follow-up"}
      </button>
      {send.isError && <ProblemMessage error={send.error} />}
    </form>
  );
}
