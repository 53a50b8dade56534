import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AgentGetArtifactResponse, ArtifactDownloadQuery, ArtifactUidParams, Problem } from "@oz/contract";
import { forbidden, notFound } from "@oz/errors";
import type { AppDeps } from "../deps.ts";
import { findReadableArtifact } from "./access.ts";
import { artifactResponse } from "./artifact-response.ts";

/** `GET /agent/artifacts/{artifactUid}` and the signed download link it hands out. */
export const artifactRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/agent/artifacts/:artifactUid",
    {
      config: { auth: "public" },
      schema: {
        summary: "Retrieve an artifact",
        description:
          "Authentication is optional: public artifacts can be read anonymously (without `filepath`). A private " +
          "artifact, or one of another team, is 404. Files and screenshots come with a signed `download_url` that " +
          "works without an API key until `expires_at` (15 minutes); plans come inline. Pull-request and " +
          "external-reference artifacts cannot be retrieved (422).",
        tags: ["artifacts"],
        security: [{}, { bearer: [] }], // the key is optional
        params: ArtifactUidParams,
        response: { 200: AgentGetArtifactResponse, 400: Problem, 401: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      const { artifactUid } = request.params;
      const found = await findReadableArtifact(deps.db, artifactUid, request.principal);
      if (!found) throw notFound("artifact", artifactUid);
      return artifactResponse(found.artifact, found.view, deps);
    },
  );

  app.get(
    "/agent/artifacts/:artifactUid/download",
    {
      config: { auth: "public" },
      schema: {
        summary: "Download an artifact's bytes (signed link)",
        description:
          "The `download_url` of an artifact: needs no API key, only the link's unexpired signature (403 " +
          "otherwise). Always sent as an attachment.",
        tags: ["artifacts"],
        security: [], // the signature is the credential
        params: ArtifactUidParams,
        querystring: ArtifactDownloadQuery,
        response: { 400: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const { artifactUid } = request.params;
      const { expires, signature } = request.query;
      if (!deps.artifactUrlSigner.verify(artifactUid, expires, signature)) {
        throw forbidden("the download link is invalid or has expired; retrieve the artifact again for a new one");
      }
      const artifact = await deps.db.artifact.findUnique({ where: { id: artifactUid } });
      const blob = artifact?.storageKey ? await deps.blobs.stat(artifact.storageKey) : null;
      const body = blob ? await deps.blobs.get(blob.key) : null;
      if (!artifact || !blob || !body) throw notFound("artifact", artifactUid);

      const data = artifact.data as { filename?: string; mime_type?: string };
      return (
        reply
          .header("content-type", data.mime_type ?? blob.contentType ?? "application/octet-stream")
          .header("content-length", blob.size)
          .header("content-disposition", attachment(data.filename ?? artifactUid))
          // Run output is untrusted: never let a browser render it as a page of our origin.
          .header("x-content-type-options", "nosniff")
          .header("content-security-policy", "sandbox")
          .header("cache-control", "private, no-store")
          // A stream bypasses the response serializer; the 200 body has no JSON schema to type it against.
          .send(body as never)
      );
    },
  );
};

/** `Content-Disposition: attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
function attachment(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
