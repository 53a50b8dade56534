import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { FederatedTokenResponse, IssueFederatedTokenRequest, Problem } from "@oz/contract";
import { runCredentialOf } from "../http/auth.ts";
import { issueFederatedToken, type IssueTokenDeps } from "./issue-token.ts";

const RunParams = z.object({ runId: z.string().max(64) });

/** `POST /agent/runs/{runId}/federated-token` (ours): what `oz federate issue-token` calls. */
export const federationRoutes: FastifyPluginAsyncZod<IssueTokenDeps> = async (app, deps) => {
  app.post(
    "/agent/runs/:runId/federated-token",
    {
      config: { auth: "run" },
      schema: {
        summary: "Issue a federated identity token for a running run",
        description:
          "Signs a short-lived OIDC identity token (JWT) for the run, to exchange with a cloud provider (AWS " +
          "`AssumeRoleWithWebIdentity`, GCP workload identity federation). Callable only from inside the run's " +
          "sandbox, with the run credential the platform puts there: `Authorization: Bearer $OZ_RUN_TOKEN`, at " +
          "`$OZ_API_BASE_URL`. The credential works for its own run only and only while the run is in progress " +
          "(403 otherwise). Tokens verify against `/.well-known/jwks.json`; the issuer is this server's public URL " +
          "(`/.well-known/openid-configuration`). `duration` beyond the server's maximum is a 400.",
        tags: ["federation"],
        security: [{ runCredential: [] }],
        params: RunParams,
        body: IssueFederatedTokenRequest,
        response: { 200: FederatedTokenResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => issueFederatedToken(deps, runCredentialOf(request), request.params.runId, request.body),
  );
};
