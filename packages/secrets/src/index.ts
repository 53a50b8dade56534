export { resolveMasterKey, deriveKey, type MasterKeyOptions, type ResolvedMasterKey } from "./master-key.ts";
export { createSecretBox, SecretDecryptionError, type SecretBox, type SecretAddress } from "./secret-box.ts";
export {
  redactSecrets,
  createRedactor,
  redactBuffer,
  MIN_REDACTED_LENGTH,
  type Redactor,
  type SecretValues,
} from "./redact.ts";
export {
  createSecret,
  putSecret,
  listSecrets,
  deleteSecret,
  loadSecretsForRun,
  MissingSecretsError,
  type SecretSummary,
  type NewSecret,
} from "./store.ts";
