import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { startPrincipalCache } from "@oz/auth";
import { createApiMetrics } from "@oz/metrics";
import type { AppDeps } from "./deps.ts";
import { registerAuth } from "./http/auth.ts";
import { registerJsonBodyParser } from "./http/json-body.ts";
import { redactingLogger } from "./http/log-redaction.ts";
import { API_PREFIX, registerOpenApi } from "./http/openapi.ts";
import { problemServerOptions, registerProblemHandlers } from "./http/problems.ts";
import { registerNulRefusal } from "./http/refuse-nul.ts";
import { parseQueryString } from "./http/querystring.ts";
import { apiKeyRoutes } from "./api-keys/routes.ts";
import { artifactRoutes } from "./artifacts/routes.ts";
import { budgetRoutes } from "./budgets/routes.ts";
import { environmentRoutes } from "./environments/routes.ts";
import { oidcDiscoveryRoutes } from "./federation/discovery-routes.ts";
import { federationRoutes } from "./federation/routes.ts";
import { SigningKeyStore } from "./federation/signing-keys.ts";
import { followupRoutes } from "./followups/routes.ts";
import { healthRoutes } from "./health/routes.ts";
import { identityRoutes } from "./identities/routes.ts";
import { inviteRoutes } from "./invites/routes.ts";
import { memberRoutes } from "./members/routes.ts";
import { metricsRoute } from "./metrics/metrics-route.ts";
import { recordRequestLatency } from "./metrics/request-metrics.ts";
import { startRunGauges } from "./metrics/run-gauges.ts";
import { modelRoutes } from "./models/routes.ts";
import { runEventRoutes } from "./run-events/routes.ts";
import { runRoutes } from "./runs/routes.ts";
import { scheduleRoutes } from "./schedules/routes.ts";
import { sessionRedirectRoutes } from "./session-redirects/routes.ts";
import { startScheduleFiring } from "./schedules/schedule-firing.ts";
import { createRunInserter } from "./runs/insert-run.ts";
import { secretRoutes } from "./secrets/routes.ts";
import { sessionRoutes } from "./sessions/routes.ts";
import { setupRoutes } from "./setup/routes.ts";
import { setupRequired } from "./setup/setup-token.ts";
import { skillRoutes } from "./skills/routes.ts";
import { startApiSweeper } from "./sweeper/api-sweeper.ts";
import { teamRoutes } from "./teams/routes.ts";
import { DEFAULT_WEB_DIST_DIR, dashboardNotFoundPage, webAppRoutes } from "./web-app/routes.ts";
import { runLogRoute } from "./run-events/run-log.ts";
import { whoamiRoutes } from "./whoami/routes.ts";
import { workerHostRoutes } from "./worker-hosts/routes.ts";

/** 12-hour tokens at most; a new signing key every 30 days (OZ_OIDC_MAX_TOKEN_SECONDS, OZ_OIDC_KEY_ROTATION_DAYS). */
const DEFAULT_OIDC = { maxTokenSeconds: 12 * 3600, keyRotationMs: 30 * 86_400_000 };

/** Composition root of the API: every plugin and route module is wired here and nowhere else. */
export async function buildApp(appDeps: AppDeps): Promise<FastifyInstance> {
  const metrics = appDeps.metrics ?? createApiMetrics({ defaultMetrics: false });
  const deps = { ...appDeps, metrics };
  const typeBase = `${deps.publicUrl.replace(/\/$/, "")}/docs/errors`;
  const app = Fastify({
    ...problemServerOptions(typeBase),
    logger: redactingLogger(deps.logger),
    bodyLimit: deps.bodyLimit ?? 16 * 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    // A W3C-style trace id per request (32 hex digits): returned as `trace_id` in problems and as `x-trace-id`.
    // A random UUID's digits: randomUUID serves from a prefilled entropy buffer, ~8× cheaper than randomBytes.
    genReqId: () => randomUUID().replaceAll("-", ""),
    routerOptions: { querystringParser: parseQueryString, ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-trace-id", request.id);
  });

  recordRequestLatency(app, metrics);
  registerProblemHandlers(app, typeBase, dashboardNotFoundPage(deps.webDistDir ?? DEFAULT_WEB_DIST_DIR));
  registerNulRefusal(app);
  registerJsonBodyParser(app);
  const principals = deps.databaseUrl
    ? await startPrincipalCache(deps.databaseUrl, {
        onConnectionLost: (err) =>
          app.log.warn({ err: err.message }, "API-key cache off until its LISTEN connection is back"),
      })
    : undefined;
  if (principals) app.addHook("onClose", () => principals.close());
  registerAuth(app, deps.db, principals);
  await registerOpenApi(app, deps.publicUrl);

  await app.register(healthRoutes, { db: deps.db });
  if (deps.metricsToken) {
    await app.register(metricsRoute, { metrics, token: deps.metricsToken });
    const gauges = startRunGauges(
      metrics,
      { db: deps.db, queueStats: (host) => deps.dispatcher.queueStats(host) },
      { onError: (err) => app.log.warn({ err: err.message }, "run and queue metrics not refreshed; retrying") },
    );
    app.addHook("onClose", () => gauges.close());
  }
  const issuer = deps.publicUrl.replace(/\/$/, "");
  const oidc = deps.oidc ?? DEFAULT_OIDC;
  const signingKeys = new SigningKeyStore(deps.db, deps.secretBox, {
    rotationMs: oidc.keyRotationMs,
    maxTokenSeconds: oidc.maxTokenSeconds,
  });
  await app.register(oidcDiscoveryRoutes, { issuer, signingKeys });
  await app.register(
    async (api) => {
      await api.register(runRoutes, deps);
      await api.register(runEventRoutes, deps);
      await api.register(runLogRoute, deps);
      await api.register(identityRoutes, deps);
      await api.register(environmentRoutes, deps);
      await api.register(apiKeyRoutes, deps);
      await api.register(whoamiRoutes, deps);
      await api.register(secretRoutes, deps);
      await api.register(artifactRoutes, deps);
      await api.register(sessionRoutes, deps);
      await api.register(memberRoutes, deps);
      await api.register(inviteRoutes, deps);
      await api.register(teamRoutes, deps);
      await api.register(setupRoutes, deps);
      await api.register(modelRoutes, deps);
      await api.register(skillRoutes, deps);
      await api.register(followupRoutes, deps);
      await api.register(workerHostRoutes, deps);
      await api.register(budgetRoutes, deps);
      await api.register(federationRoutes, {
        db: deps.db,
        signingKeys,
        issuer,
        maxTokenSeconds: oidc.maxTokenSeconds,
      });
      await api.register(scheduleRoutes, deps);
      await api.register(sessionRedirectRoutes, deps);
    },
    { prefix: API_PREFIX },
  );
  await app.register(webAppRoutes, {
    distDir: deps.webDistDir ?? DEFAULT_WEB_DIST_DIR,
    // The first-admin page exists only until there is a user.
    pageAvailable: { "/setup": () => setupRequired(deps.db) },
  });
  if (deps.sweeper) {
    const sweeper = startApiSweeper({
      ...deps.sweeper,
      onError: (err) => app.log.warn({ err: err.message }, "sweep failed; the next pass retries"),
    });
    app.addHook("onClose", () => sweeper.close());
  }
  if (deps.scheduleFiring) {
    const firing = startScheduleFiring({
      ...deps.scheduleFiring,
      db: deps.db,
      triggers: deps.scheduleTriggers,
      fire: {
        db: deps.db,
        createRun: { ...deps, insertRun: createRunInserter(deps.db) },
        dispatcher: deps.dispatcher,
        secondsField: deps.scheduleTriggers.secondsField,
      },
      log: app.log,
    });
    app.addHook("onClose", () => firing.close());
  }
  return app;
}
