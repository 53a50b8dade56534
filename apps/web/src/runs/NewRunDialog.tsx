import { HarnessType } from "@oz/contract";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useAgents, useModels } from "../api/resources.ts";
import { useCreateRun } from "../api/runs.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogForm, useFormFields } from "../components/DialogForm.tsx";
import { Field } from "../components/Field.tsx";
import { EnvironmentOptions } from "../environments/EnvironmentOptions.tsx";
import { EMPTY_NEW_RUN, newRunProblem, runParamsOf, type NewRunForm } from "./new-run.ts";

const HARNESS_LABEL: Record<string, string> = {
  oz: "Oz (built-in)",
  claude: "Claude Code",
  gemini: "Gemini CLI",
  codex: "Codex CLI",
  command: "Shell command",
};

/** Starts a run: a quick run as yourself by default, or as one of the team's cloud agents. */
export function NewRunDialog({ onClose, initial = EMPTY_NEW_RUN }: { onClose: () => void; initial?: NewRunForm }) {
  const agents = useAgents();
  const create = useCreateRun();
  const navigate = useNavigate();
  const [form, set] = useFormFields<NewRunForm>(initial);
  const [touched, setTouched] = useState(false);
  const problem = newRunProblem(form);
  const models = useModels();
  const modelList = models.data?.models ?? [];
  const noModels = models.isSuccess && modelList.length === 0;
  // With no model configured the built-in agent cannot run: start from the shell command harness instead.
  const [defaulted, setDefaulted] = useState(false);
  if (noModels && !defaulted) {
    setDefaulted(true);
    if (form.harness === "" || form.harness === "oz") set({ harness: "command" });
  }
  const usesCatalogue = form.harness === "" || form.harness === "oz";

  return (
    <Dialog title="New run" onClose={onClose} wide>
      <DialogForm
        onSubmit={() => {
          setTouched(true);
          if (problem) return;
          create.mutate(runParamsOf(form), { onSuccess: (run) => void navigate(`/runs/${run.run_id}`) });
        }}
        onCancel={onClose}
        problem={touched ? problem : null}
        submission={create}
        submitLabel={create.isPending ? "Starting…" : "Start run"}
      >
        <Field label="Prompt">
          <textarea
            rows={4}
            value={form.prompt}
            onChange={(e) => set({ prompt: e.target.value })}
            placeholder="What should the agent do?"
          />
        </Field>
        <div className="grid-2">
          <Field label="Agent">
            <select value={form.agentUid} onChange={(e) => set({ agentUid: e.target.value })}>
              <option value="">Quick run (as you)</option>
              {agents.data?.map((a) => (
                <option key={a.uid} value={a.uid} disabled={!a.available}>
                  {a.name}
                  {a.available ? "" : " (unavailable)"}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Environment">
            <select value={form.environmentId} onChange={(e) => set({ environmentId: e.target.value })}>
              <option value="">{form.agentUid ? "The agent's default" : "None"}</option>
              <EnvironmentOptions />
            </select>
          </Field>
          <Field label="Harness">
            <select value={form.harness} onChange={(e) => set({ harness: e.target.value as NewRunForm["harness"] })}>
              <option value="">Default</option>
              {HarnessType.options.map((h) => (
                <option key={h} value={h}>
                  {HARNESS_LABEL[h] ?? h}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Model">
            {usesCatalogue && modelList.length > 0 ? (
              <select value={form.modelId} onChange={(e) => set({ modelId: e.target.value })}>
                <option value="">
                  Default{models.data?.default_model_id ? ` (${models.data.default_model_id})` : ""}
                </option>
                {modelList.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.id} · {m.provider}
                  </option>
                ))}
              </select>
            ) : (
              <input
                value={form.modelId}
                onChange={(e) => set({ modelId: e.target.value })}
                placeholder={usesCatalogue ? "No models configured" : "The CLI's default model"}
                disabled={usesCatalogue && noModels}
              />
            )}
          </Field>
        </div>
        {noModels && (
          <p className="small muted" role="note">
            No models are configured on this server (<code>OZ_MODELS</code>), so the built-in agent cannot run. Use the
            shell command harness, or a CLI harness whose image and key you provide.
          </p>
        )}
        {form.harness === "command" && (
          <Field label="Command" hint="Runs with sh -c inside the sandbox; a non-zero exit fails the run.">
            <input
              className="mono"
              value={form.command}
              onChange={(e) => set({ command: e.target.value })}
              placeholder="echo hello && ls"
            />
          </Field>
        )}
        <div className="grid-2">
          <Field label="Title">
            <input
              value={form.title}
              onChange={(e) => set({ title: e.target.value })}
              placeholder="Generated from the prompt"
            />
          </Field>
          <Field label="Config name">
            <input
              value={form.configName}
              onChange={(e) => set({ configName: e.target.value })}
              placeholder="For grouping and filtering"
            />
          </Field>
        </div>
      </DialogForm>
    </Dialog>
  );
}
