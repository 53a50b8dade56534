export {
  recordFileArtifact,
  recordPlanArtifact,
  artifactStorageKey,
  guessMimeType,
  type FileArtifactInput,
  type PlanArtifactInput,
  type RecordedArtifact,
} from "./record.ts";
export { listRunArtifacts } from "./list.ts";
