import { HarnessType, type AgentResponse } from "@oz/contract";
import { useState } from "react";
import { useSaveAgent } from "../api/resources.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogForm, useFormFields } from "../components/DialogForm.tsx";
import { Field } from "../components/Field.tsx";
import { EnvironmentOptions } from "../environments/EnvironmentOptions.tsx";
import { agentFormOf, agentProblem, agentRequestOf, EMPTY_AGENT, type AgentForm } from "./agent-form.ts";

export function AgentDialog({ agent, onClose }: { agent?: AgentResponse; onClose: () => void }) {
  const save = useSaveAgent();
  const [form, set] = useFormFields<AgentForm>(agent ? agentFormOf(agent) : EMPTY_AGENT);
  const [touched, setTouched] = useState(false);
  const problem = agentProblem(form);

  return (
    <Dialog title={agent ? `Edit ${agent.name}` : "New agent"} onClose={onClose}>
      <DialogForm
        onSubmit={() => {
          setTouched(true);
          if (problem) return;
          save.mutate({ uid: agent?.uid, body: agentRequestOf(form, Boolean(agent)) }, { onSuccess: onClose });
        }}
        onCancel={onClose}
        problem={touched ? problem : null}
        submission={save}
        submitLabel={agent ? "Save" : "Create agent"}
      >
        <Field label="Name">
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="Nightly triage" />
        </Field>
        <Field label="Description">
          <input value={form.description} onChange={(e) => set({ description: e.target.value })} />
        </Field>
        <Field label="Instructions">
          <textarea
            rows={3}
            value={form.prompt}
            onChange={(e) => set({ prompt: e.target.value })}
            placeholder="Added to every run's prompt"
          />
        </Field>
        <div className="grid-2">
          <Field label="Harness">
            <select value={form.harness} onChange={(e) => set({ harness: e.target.value as AgentForm["harness"] })}>
              <option value="">Default (Oz)</option>
              {HarnessType.options.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Base model">
            <input
              value={form.baseModel}
              onChange={(e) => set({ baseModel: e.target.value })}
              placeholder="Team default"
            />
          </Field>
        </div>
        {form.harness === "command" && (
          <Field label="Command">
            <input className="mono" value={form.command} onChange={(e) => set({ command: e.target.value })} />
          </Field>
        )}
        <Field label="Default environment">
          <select value={form.environmentId} onChange={(e) => set({ environmentId: e.target.value })}>
            <option value="">None</option>
            <EnvironmentOptions />
          </select>
        </Field>
      </DialogForm>
    </Dialog>
  );
}
