# syntax=docker/dockerfile:1
# Readiness: one image, three commands (docs/operations.md).
#   bot (default)   docker run IMAGE
#   worker          docker run IMAGE node dist/src/main/worker.js
#   migrate         docker run IMAGE node dist/src/main/migrate.js
# The `sandbox` target is the Slack stand-in for trying a stack without Slack; it is never the production image.
# Node 26 is the Active LTS line (LTS since 2026-10-28, supported until 2029-04-30); pinned by major, so a
# rebuild takes its security patches.
ARG NODE_IMAGE=node:26-slim

# ---- build: every dependency, the Prisma client generated, TypeScript compiled to dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only the source changes. `npm ci` runs postinstall,
# which generates the Prisma client from prisma/schema.prisma.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run db:generate && npm run build

# ---- sandbox: the Slack stand-in (tools/slack-stand-in, run by tsx with the dev dependencies), for compose's `sandbox` profile only
FROM build AS sandbox
ENV NODE_ENV=development
USER 1000:1000
EXPOSE 3100 3101
CMD ["node", "--import", "tsx", "tools/slack-stand-in/server.ts"]

# ---- runtime: production dependencies and the compiled code only. Last, so a plain `docker build` makes it.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    ADMIN_PORT=9090 \
    ADMIN_HOST=0.0.0.0 \
    READINESS_CONFIG=/etc/readiness/readiness.yaml
WORKDIR /app
# --ignore-scripts: postinstall would run `prisma generate`, a dev tool; the client generated in the build stage
# is compiled into dist/.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
COPY deploy/docker/healthcheck.mjs ./healthcheck.mjs
# The official image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
# 3000: Slack's requests (bot only). 9090: the admin listener (/healthz, /readyz, /metrics), every process.
EXPOSE 3000 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "healthcheck.mjs", "/healthz"]
CMD ["node", "dist/src/main/bot.js"]
