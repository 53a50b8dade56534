import type { ScheduledAgentItem } from "@oz/contract";
import { useState } from "react";
import { useAgents, useEnvironments } from "../api/resources.ts";
import { useSaveSchedule } from "../api/schedules.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogForm, useFormFields } from "../components/DialogForm.tsx";
import { Field } from "../components/Field.tsx";
import { CronPreview } from "./CronPreview.tsx";
import {
  EMPTY_SCHEDULE,
  fieldProblemsOf,
  scheduleFormOf,
  scheduleRequestOf,
  type ScheduleForm,
} from "./schedule-form.ts";

/** Create a schedule, or edit one (a full replacement that keeps its state and the config this form does not show). */
export function ScheduleDialog({
  schedule,
  onClose,
  onSaved,
}: {
  schedule?: ScheduledAgentItem;
  onClose: () => void;
  onSaved?: (saved: ScheduledAgentItem) => void;
}) {
  const save = useSaveSchedule();
  const environments = useEnvironments();
  const agents = useAgents();
  const [form, set] = useFormFields<ScheduleForm>(schedule ? scheduleFormOf(schedule) : EMPTY_SCHEDULE);
  const [problem, setProblem] = useState<string | null>(null);
  // The server's refusal, put against the fields it names; the rest is shown under the form.
  const refused = save.isError ? fieldProblemsOf(save.error) : { fields: {}, rest: [] };
  const placedAll = save.isError && refused.rest.length === 0;

  return (
    <Dialog title={schedule ? `Edit ${schedule.name}` : "New schedule"} onClose={onClose} wide>
      <DialogForm
        onSubmit={() => {
          const result = scheduleRequestOf(form, schedule);
          if ("problem" in result) return setProblem(result.problem);
          setProblem(null);
          save.mutate(
            { id: schedule?.id, body: result.body },
            {
              onSuccess: (saved) => {
                onSaved?.(saved);
                onClose();
              },
            },
          );
        }}
        onCancel={onClose}
        problem={problem ?? (placedAll ? "Fix the fields marked above." : null)}
        submission={{ ...save, isError: save.isError && !placedAll }}
        submitLabel={schedule ? "Save" : "Create schedule"}
      >
        <div className="grid-2">
          <Field label="Name" error={refused.fields.name}>
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="Nightly triage" />
          </Field>
          <Field
            label="Cron schedule"
            error={refused.fields.cron_schedule}
            hint="Five fields, in UTC: minute hour day-of-month month day-of-week."
          >
            <input
              className="mono"
              value={form.cron}
              onChange={(e) => set({ cron: e.target.value })}
              placeholder="0 9 * * 1-5"
              spellCheck={false}
            />
          </Field>
        </div>
        <CronPreview cron={form.cron} refused={Boolean(refused.fields.cron_schedule)} />
        <Field label="Prompt" error={refused.fields.prompt} hint="What every run is asked to do.">
          <textarea rows={4} value={form.prompt} onChange={(e) => set({ prompt: e.target.value })} />
        </Field>
        <div className="grid-2">
          <Field label="Environment" error={refused.fields.agent_config}>
            <select value={form.environmentId} onChange={(e) => set({ environmentId: e.target.value })}>
              <option value="">None (an empty sandbox)</option>
              {environments.data?.map((env) => (
                <option key={env.uid} value={env.uid}>
                  {env.config.name ?? env.uid}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Run as"
            error={refused.fields.agent_uid}
            hint={form.team ? undefined : "Personal schedules run as you."}
          >
            <select value={form.agentUid} disabled={!form.team} onChange={(e) => set({ agentUid: e.target.value })}>
              <option value="">The schedule's last editor</option>
              {agents.data?.map((agent) => (
                <option key={agent.uid} value={agent.uid}>
                  {agent.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="grid-2">
          <Field label="Mode" error={refused.fields.mode}>
            <select value={form.mode} onChange={(e) => set({ mode: e.target.value as ScheduleForm["mode"] })}>
              <option value="normal">Normal</option>
              <option value="plan">Plan</option>
              <option value="orchestrate">Orchestrate</option>
            </select>
          </Field>
          <Field label="Metadata" error={refused.fields.metadata} hint="One key=value per line, on every run.">
            <textarea
              rows={2}
              className="mono"
              value={form.metadata}
              onChange={(e) => set({ metadata: e.target.value })}
              placeholder="team=platform"
            />
          </Field>
        </div>
        {!schedule && (
          <div className="inline-checks">
            <label className="check small">
              <input
                type="checkbox"
                checked={form.team}
                onChange={(e) => set({ team: e.target.checked, agentUid: e.target.checked ? form.agentUid : "" })}
              />{" "}
              Team schedule
            </label>
            <label className="check small">
              <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />{" "}
              Start active
            </label>
          </div>
        )}
      </DialogForm>
    </Dialog>
  );
}
