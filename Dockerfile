# dbpool: the Slack bot (`npm start`), next to the app it watches.
# Build: docker build -t dbpool .   Run: see docker-compose.example.yml and README "Deployment".

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# No install scripts run: the state store uses Node 24's built-in node:sqlite, so nothing native is
# compiled (better-sqlite3, an optional dependency, serves only Node 20) and no toolchain is needed.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DBPOOL_STATE_DIR=/var/lib/dbpool \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# The state store (plans, audit trail, history, users' languages) lives on a volume, owned by the
# unprivileged user the bot runs as.
RUN mkdir -p /var/lib/dbpool && chown node:node /var/lib/dbpool
VOLUME ["/var/lib/dbpool"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
