export { API_KEY_PREFIX, generateApiKey, hashApiKey, keySuffix, maskKey, expiryDate } from "./api-keys.ts";
export { hashPassword, verifyPassword, passwordNeedsRehash, OWASP_SCRYPT_COST, type ScryptCost } from "./passwords.ts";
export { authenticateApiKey, type AuthenticateOptions } from "./authenticate.ts";
export { principalId, principalString, type Principal, type UserPrincipal, type AgentPrincipal } from "./principal.ts";
export {
  PrincipalCache,
  startPrincipalCache,
  type KeyRecord,
  type ListeningPrincipalCache,
} from "./principal-cache.ts";
export { PRINCIPAL_CHANGES_CHANNEL, PRINCIPAL_LISTENER_APPLICATION_NAME } from "./principal-changes.ts";
export { newSecretToken, hashSecretToken } from "./one-time-tokens.ts";
export {
  issueRunCredential,
  authenticateRunCredential,
  RUN_CREDENTIAL_PREFIX,
  RUN_CREDENTIAL_STATES,
  type CredentialRun,
} from "./run-credentials.ts";
