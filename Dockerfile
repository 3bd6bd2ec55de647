# dbpool: the Slack bot (`npm start`), next to the app it watches; `dbpool <command>` is the CLI.
# Build: docker build -t dbpool .   Run: see docker-compose.example.yml and README "Deployment".
# Docker Engine 25+ (HEALTHCHECK --start-interval); .ci/build-image.sh builds it on older engines too.

# The base, pinned by digest (the multi-arch index of node:24-bookworm-slim) so a rebuild gets the
# same system. To update: `docker buildx imagetools inspect node:24-bookworm-slim` (or
# `docker pull node:24-bookworm-slim` and `docker image inspect --format '{{index .RepoDigests 0}}'`),
# and replace the digest below.
ARG BASE_IMAGE=node:24-bookworm-slim@sha256:e8e2e91b1378f83c5b2dd15f0247f34110e2fe895f6ca7719dbb780f929368eb

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY deploy/prune-image-modules.mjs /tmp/
# No install scripts run: the state store uses Node 24's built-in node:sqlite, so nothing native is
# compiled (better-sqlite3, an optional dependency, serves only Node 20) and no toolchain is needed.
# Then only what runs stays: see deploy/prune-image-modules.mjs.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node /tmp/prune-image-modules.mjs /app \
 && chmod 0755 dist/cli/dbpool dist/cli/main.js

FROM ${BASE_IMAGE}
ENV NODE_ENV=production \
    DBPOOL_STATE_DIR=/var/lib/dbpool \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# `dbpool` is a command: `docker exec <container> dbpool status`, `docker run --rm dbpool dbpool math …`;
# its launcher starts from the startup snapshot the build made with this image's node.
# The state store (plans, audit trail, history, users' languages) lives on a volume, owned by the
# unprivileged user the bot runs as.
RUN ln -s /app/dist/cli/dbpool /usr/local/bin/dbpool \
 && mkdir -p /var/lib/dbpool && chown node:node /var/lib/dbpool
VOLUME ["/var/lib/dbpool"]
USER node
EXPOSE 3000
# Every 2 s while starting, so a fresh container is healthy within seconds; then every 30 s.
# /healthz runs no diagnosis: it answers from the bot's state.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --start-interval=2s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
