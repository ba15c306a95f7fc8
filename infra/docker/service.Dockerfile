# syntax=docker/dockerfile:1
#
# One parametrised image recipe for the six Node services (auth, tickets, orders, expiration,
# payments, notifications). Build context: the repository root.
#
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=auth -t microtick-auth .
#
# Targets:
#   runtime (default, last stage) - production: the esbuild bundle <service>/dist/index.js plus the
#                                   service's production npm dependencies, run as the non-root
#                                   `node` user. Layout under /app mirrors the repository
#                                   (/app/<service>/dist, /app/<service>/migrations,
#                                   /app/common/migrations) because the code finds its SQL files by
#                                   walking up from the bundle.
#   dev                           - used by `skaffold dev`: all dependencies and TypeScript sources,
#                                   run by `tsx watch`, so files synced into the pod restart the
#                                   process without an image rebuild.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- every dependency (dev included), from the root lockfile --------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
# npm ci checks the lockfile against every workspace's package.json, so all of them are copied.
COPY package.json package-lock.json ./
COPY common/package.json common/
COPY devstack/package.json devstack/
COPY auth/package.json auth/
COPY tickets/package.json tickets/
COPY orders/package.json orders/
COPY expiration/package.json expiration/
COPY payments/package.json payments/
COPY notifications/package.json notifications/
COPY client/package.json client/
RUN npm ci

# ---- bundle one service with esbuild (common is inlined, npm packages stay external) ---------
FROM deps AS build
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<auth|tickets|orders|expiration|payments|notifications>" >&2; exit 1)
COPY tsconfig.base.json ./
COPY scripts/build.mjs scripts/
COPY common/ common/
COPY ${SERVICE}/ ${SERVICE}/
RUN node scripts/build.mjs "${SERVICE}" \
 && mkdir -p "/out/${SERVICE}" /out/common \
 && cp -r "${SERVICE}/dist" "/out/${SERVICE}/dist" \
 && cp -r common/migrations /out/common/migrations \
 && if [ -d "${SERVICE}/migrations" ]; then cp -r "${SERVICE}/migrations" "/out/${SERVICE}/migrations"; fi

# ---- production dependencies of that one workspace only --------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
ARG SERVICE
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
COPY common/package.json common/
COPY devstack/package.json devstack/
COPY auth/package.json auth/
COPY tickets/package.json tickets/
COPY orders/package.json orders/
COPY expiration/package.json expiration/
COPY payments/package.json payments/
COPY notifications/package.json notifications/
COPY client/package.json client/
RUN npm ci --omit=dev --workspace "@microtick/${SERVICE}" \
 && npm cache clean --force

# ---- dev target for skaffold: sources + tsx watch --------------------------------------------
FROM deps AS dev
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=development PORT=3000
COPY --chown=node:node tsconfig.base.json ./
COPY --chown=node:node common/ common/
COPY --chown=node:node ${SERVICE}/ ${SERVICE}/
USER node
EXPOSE 3000
# tsx watches the service and common sources; skaffold syncs */src/**/*.ts into /app.
CMD ["sh", "-c", "exec npx --no-install tsx watch --clear-screen=false \"$SERVICE/src/index.ts\""]

# ---- production runtime (default target) -----------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# HOST: services bind loopback unless told otherwise; a container listens on all its interfaces.
ENV SERVICE=${SERVICE} NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only for the app user: the container also runs with a read-only root fs.
COPY --from=prod-deps /app/ /app/
COPY --from=build /out/ /app/
USER node
EXPOSE 3000
# exec: node is PID 1 and receives SIGTERM itself (each service drains and exits on it). The flags are
# devstack's SERVICE_NODE_FLAGS (the local stack runs services with the same ones).
CMD ["sh", "-c", "exec node --enable-source-maps --no-memory-reducer \"$SERVICE/dist/index.js\""]
