export { API_KEY_PREFIX, generateApiKey, hashApiKey, keySuffix, maskKey, expiryDate } from "./api-keys.ts";
export { hashPassword, verifyPassword } from "./passwords.ts";
export { authenticateApiKey } from "./authenticate.ts";
export { principalId, principalString, type Principal, type UserPrincipal, type AgentPrincipal } from "./principal.ts";
