# The image of the API (serving the dashboard) and of the worker (`pnpm start:worker`). Needs a registry that serves node:24-bookworm-slim (Docker Hub or a mirror).
# Build: docker build -t oz-selfhost-api .      Run: see docker-compose.yml
FROM node:24-bookworm-slim AS base
WORKDIR /app
# pnpm comes from corepack, at the version package.json's "packageManager" pins; kept where the runtime user can read it.
ENV CI=true COREPACK_HOME=/opt/corepack COREPACK_ENABLE_DOWNLOAD_PROMPT=0
COPY package.json ./
RUN corepack enable && corepack install && chmod -R a+rX /opt/corepack

# Dependencies: `pnpm fetch` needs only the lockfile, so this layer is reused until dependencies change.
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
# The postinstall step generates the Prisma client offline (no engine download).
RUN pnpm install --offline --frozen-lockfile && pnpm --filter @oz/web build

FROM base AS runtime
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0
# git: the API reads the SKILL.md files of environment repositories for GET /agent (skill discovery).
# iptables: the worker installs the sandbox firewall (README.md, "Sandbox isolation"). Its backend must match the
# host's (nft here; `update-alternatives --set iptables /usr/sbin/iptables-legacy` for a legacy host).
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates iptables && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app /app
# .data holds the local blob store (artifacts); docker-compose.yml mounts a volume there.
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Applies pending migrations, then serves the API (OZ_MIGRATE_ON_START=true by default). What `pnpm start:api`
# runs, without pnpm staying resident as its parent (~110 MB); the start script execs node, and compose's
# `init: true` reaps the git processes of skill discovery.
CMD ["sh", "scripts/start-program.sh", "apps/api/src/main.ts"]
