import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { SIGNING_ALG, type SigningKeyStore } from "./signing-keys.ts";

export interface DiscoveryOptions {
  /** The issuer: OZ_PUBLIC_URL without a trailing slash. */
  issuer: string;
  signingKeys: Pick<SigningKeyStore, "publishedKeys">;
}

/** Relying parties fetch these often; a short cache keeps a newly rotated key visible within minutes. */
const CACHE_CONTROL = "public, max-age=300";

/**
 * The OIDC issuer's public face (OpenID Connect Discovery 1.0 and the JWKS), at the server's origin: what AWS, GCP
 * and any other relying party read to verify federated tokens. Public, like every issuer's.
 */
export const oidcDiscoveryRoutes: FastifyPluginAsyncZod<DiscoveryOptions> = async (app, { issuer, signingKeys }) => {
  const open = { config: { auth: "public" }, schema: { hide: true } } as const;
  app.get("/.well-known/openid-configuration", open, async (_request, reply) => {
    reply.header("cache-control", CACHE_CONTROL);
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      scopes_supported: ["openid"],
      claims_supported: [
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "nbf",
        "jti",
        "run_id",
        "principal",
        "team_uid",
        "email",
        "environment_uid",
        "agent_name",
        "skill_spec",
        "host",
      ],
    };
  });
  app.get("/.well-known/jwks.json", open, async (_request, reply) => {
    reply.header("cache-control", CACHE_CONTROL);
    return { keys: await signingKeys.publishedKeys() };
  });
};
