import { previewCron, formatUtc } from "./cron-times.ts";

/**
 * The next five fire times of the expression being typed, in UTC, or why it is not a cron expression yet —
 * unless the field already shows the server's refusal (`refused`), which says it once.
 */
export function CronPreview({ cron, refused = false }: { cron: string; refused?: boolean }) {
  const preview = previewCron(cron, new Date());
  if ("problem" in preview) {
    return (
      <p className="cron-preview muted small" role="status" aria-label="Next fire times">
        {refused ? null : preview.problem}
      </p>
    );
  }
  return (
    <div className="cron-preview" role="status" aria-label="Next fire times">
      <span className="muted small">Next five runs (UTC):</span>
      <ol className="mono small">
        {preview.times.map((t) => (
          <li key={t.getTime()}>{formatUtc(t)}</li>
        ))}
      </ol>
    </div>
  );
}
