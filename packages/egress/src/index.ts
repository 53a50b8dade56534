export { BLOCKED_IPV4_RANGES, BLOCKED_IPV6_RANGES, EgressPolicy, InvalidCidrError, parseCidr } from "./ranges.ts";
export { checkUrl, createGuardedFetch, EgressRefusedError, guardedLookup, type GuardedFetch } from "./guarded-fetch.ts";
export { resolveAllowedAddress } from "./resolve.ts";
export { pinGitRemote, type PinnedGitRemote } from "./git-egress.ts";
