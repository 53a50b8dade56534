import type { RunEvent, RunItem } from "@oz/contract";
import type { ListView, RecordView } from "../output/output.ts";
import type { Output } from "../output/output.ts";

/**
 * A run as the CLI prints it in JSON: the run ID as `uid` (not the API's `run_id`/`task_id`) and each
 * artifact's ID as `uid`, as the `oz` CLI's own JSON output does.
 */
export function cliRun(run: RunItem) {
  const { run_id, task_id: _taskId, artifacts, ...rest } = run;
  return {
    uid: run_id,
    ...rest,
    ...(artifacts && {
      artifacts: artifacts.map((artifact) => {
        const uid = artifact.data.artifact_uid;
        return typeof uid === "string" ? { uid, ...artifact } : artifact;
      }),
    }),
  };
}

export function runListView(output: Output): ListView<RunItem> {
  return {
    columns: [
      { header: "ID", value: (r) => r.run_id },
      { header: "STATE", value: (r) => paintState(output, r.state) },
      { header: "TITLE", value: (r) => r.title, maxWidth: 48 },
      { header: "SOURCE", value: (r) => r.source },
      { header: "CREATED", value: (r) => shortTime(r.created_at) },
    ],
    text: (r) => `${r.run_id}\t${r.state}\t${r.title}`,
    json: cliRun,
    empty: "No runs.",
  };
}

export function runRecordView(output: Output, conversation?: RunEvent[]): RecordView<RunItem> {
  return {
    fields: (r) => [
      ["ID", r.run_id],
      ["Title", r.title],
      ["State", paintState(output, r.state)],
      ["Status", r.status_message && statusLine(r.status_message)],
      ["Source", r.source],
      ["Created", shortTime(r.created_at)],
      ["Started", r.started_at ? shortTime(r.started_at) : undefined],
      ["Run time", r.run_time],
      ["Name", r.agent_config?.name],
      ["Environment", r.agent_config?.environment_id],
      ["Harness", r.agent_config?.harness?.type],
      ["Model", r.agent_config?.model_id],
      ["Skill", r.agent_skill?.full_path ?? r.agent_skill?.bundled_skill_id],
      ["Executor", r.executor && principalOf(r.executor)],
      ["Conversation", r.conversation_id],
      ["Session", r.session_link],
      ["Prompt", r.prompt],
      ...(r.artifacts ?? []).map((a) => ["Artifact", artifactLine(a as Record<string, unknown>)] as const),
    ],
    text: (r) => `${r.run_id}\t${r.state}\t${r.title}`,
    json: (r) => (conversation ? { ...cliRun(r), conversation } : cliRun(r)),
  };
}

function statusLine(status: NonNullable<RunItem["status_message"]>) {
  return status.error_code ? `${status.message} (${status.error_code})` : status.message;
}

function principalOf(p: NonNullable<RunItem["executor"]>) {
  const id = `${p.type ?? "user"}:${p.uid ?? "?"}`;
  return p.display_name ? `${id} (${p.display_name})` : id;
}

function artifactLine(a: Record<string, unknown>) {
  const data = (a.data ?? {}) as Record<string, unknown>;
  const name = data.filename ?? data.url ?? data.title ?? "";
  return [a.artifact_type, data.artifact_uid, name].filter(Boolean).join("  ");
}

export function paintState(output: Output, state: string) {
  const c = output.color;
  if (state === "SUCCEEDED") return c.green(state);
  if (state === "FAILED" || state === "ERROR") return c.red(state);
  if (state === "CANCELLED") return c.yellow(state);
  return c.cyan(state);
}

/** `2026-12-03 13:45:12` (UTC): short enough for a table, unambiguous in CI logs. */
export function shortTime(iso: string) {
  return iso.replace("T", " ").replace(/\.\d+/, "").replace(/Z$/, "");
}
