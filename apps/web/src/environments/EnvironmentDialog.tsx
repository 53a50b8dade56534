import type { CloudEnvironment } from "@oz/contract";
import { useState } from "react";
import { useSaveEnvironment } from "../api/resources.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogForm, useFormFields } from "../components/DialogForm.tsx";
import { Field } from "../components/Field.tsx";
import {
  EMPTY_ENVIRONMENT,
  environmentFormOf,
  environmentRequestOf,
  type EnvironmentForm,
} from "./environment-form.ts";

export function EnvironmentDialog({ environment, onClose }: { environment?: CloudEnvironment; onClose: () => void }) {
  const save = useSaveEnvironment();
  const [form, set] = useFormFields<EnvironmentForm>(environment ? environmentFormOf(environment) : EMPTY_ENVIRONMENT);
  const [problem, setProblem] = useState<string | null>(null);

  return (
    <Dialog title={environment ? `Edit ${environment.config.name}` : "New environment"} onClose={onClose} wide>
      <DialogForm
        onSubmit={() => {
          const result = environmentRequestOf(form);
          if ("problem" in result) return setProblem(result.problem);
          setProblem(null);
          save.mutate({ uid: environment?.uid, body: result.body }, { onSuccess: onClose });
        }}
        onCancel={onClose}
        problem={problem}
        submission={save}
        submitLabel={environment ? "Save" : "Create environment"}
      >
        <div className="grid-2">
          <Field label="Name">
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="web-app" />
          </Field>
          <Field label="Docker image">
            <input
              className="mono"
              value={form.dockerImage}
              onChange={(e) => set({ dockerImage: e.target.value })}
              placeholder="node:22-bookworm"
            />
          </Field>
        </div>
        <Field label="Description">
          <input value={form.description} onChange={(e) => set({ description: e.target.value })} />
        </Field>
        <Field label="Repositories" hint="One per line: owner/repo, owner/repo@branch, or a git URL.">
          <textarea
            rows={2}
            className="mono"
            value={form.repos}
            onChange={(e) => set({ repos: e.target.value })}
            placeholder={"acme/web@main\nhttps://git.example.com/acme/tools.git"}
          />
        </Field>
        <Field label="Setup commands" hint="One per line, run in order before the agent starts.">
          <textarea
            rows={3}
            className="mono"
            value={form.setupCommands}
            onChange={(e) => set({ setupCommands: e.target.value })}
            placeholder={"npm ci\nnpm run build"}
          />
        </Field>
        <div className="grid-4">
          <Field label="Network">
            <select
              value={form.network}
              onChange={(e) => set({ network: e.target.value as EnvironmentForm["network"] })}
            >
              <option value="bridge">Internet access</option>
              <option value="none">No network</option>
            </select>
          </Field>
          <Field label="CPUs">
            <input
              inputMode="decimal"
              value={form.cpus}
              onChange={(e) => set({ cpus: e.target.value })}
              placeholder="Default"
            />
          </Field>
          <Field label="Memory (MB)">
            <input
              inputMode="numeric"
              value={form.memoryMb}
              onChange={(e) => set({ memoryMb: e.target.value })}
              placeholder="Default"
            />
          </Field>
          <Field label="Process limit">
            <input
              inputMode="numeric"
              value={form.pidsLimit}
              onChange={(e) => set({ pidsLimit: e.target.value })}
              placeholder="Default"
            />
          </Field>
        </div>
        <div className="grid-2">
          <Field label="Secrets" hint="Names of team secrets to inject as environment variables.">
            <input
              className="mono"
              value={form.secrets}
              onChange={(e) => set({ secrets: e.target.value })}
              placeholder="GITHUB_TOKEN, NPM_TOKEN"
            />
          </Field>
          <Field
            label="Warm sandboxes"
            hint="Kept started with repositories cloned and setup done, so a run starts at once. Each serves one run."
          >
            <input
              inputMode="numeric"
              value={form.warmPool}
              onChange={(e) => set({ warmPool: e.target.value })}
              placeholder="0"
            />
          </Field>
        </div>
      </DialogForm>
    </Dialog>
  );
}
