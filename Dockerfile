# The image of the API (serving the dashboard) and of the worker (`sh scripts/start-program.sh apps/worker/src/main.ts`).
# Build: docker build -t oz-selfhost .   Run: docker-compose.yml (docs/self-hosting.md).
# NODE_IMAGE: any Debian-based image with Node 24 (and npm/corepack, unless pnpm is already on PATH);
# scripts/compose-smoke.sh builds one offline when no registry serves node:24-bookworm-slim.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# pnpm at the version package.json's "packageManager" pins (corepack), unless the base image has it already.
ENV CI=true COREPACK_ENABLE_DOWNLOAD_PROMPT=0
COPY package.json ./
RUN command -v pnpm >/dev/null || (corepack enable && corepack install)
# Dependencies: `pnpm fetch` needs only the lockfile, so this layer is reused until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
# Everything (the postinstall step generates the Prisma client offline), the dashboard's build, then only the
# production dependencies: the generated client and apps/web/dist stay, the toolchains that made them go.
# The prune also drops the optional peers the lockfile links to @prisma/client because the workspace has them as
# development dependencies (the prisma CLI with its studio, typescript): the runtime never loads them.
RUN pnpm install --offline --frozen-lockfile \
  && pnpm --filter @oz/web build \
  && find . -name node_modules -type d -prune -exec rm -rf {} + \
  && pnpm install --offline --frozen-lockfile --prod --ignore-scripts --filter '!@oz/web' --filter '!@oz/cli' \
  && rm -rf node_modules/.pnpm/prisma@* node_modules/.pnpm/@prisma+studio-core@* node_modules/.pnpm/typescript@* \
    node_modules/.pnpm/effect@* node_modules/.pnpm/@electric-sql+pglite@* \
  && rm -rf apps/web/src apps/cli apps/*/test .ci

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0
# git: the API reads the SKILL.md files of environment repositories for GET /agent (skill discovery).
# iptables: the worker installs the sandbox firewall (docs/configuration.md, "Sandbox isolation"). Its backend must
# match the host's (nft here; `update-alternatives --set iptables /usr/sbin/iptables-legacy` for a legacy host).
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates iptables \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# .data holds the local blob store (artifacts) and the setup link; docker-compose.yml mounts a volume there.
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Waits for PostgreSQL, applies pending migrations, then serves the API (OZ_MIGRATE_ON_START=true by default).
# What `pnpm start:api` runs, without pnpm staying resident as its parent (~110 MB); the start script execs
# node, and compose's `init: true` reaps the git processes of skill discovery.
CMD ["sh", "scripts/start-program.sh", "apps/api/src/main.ts"]
