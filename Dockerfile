# CustomerFlow: one image for the API, the relay and the migration (Kubernetes and docker-compose pick the command).
#
#   docker build -t customerflow:0.1.0 .                       # on the official node:20-bookworm-slim
#   podman build --build-arg BASE=localhost/customerflow-node-base:20.20.2 -t customerflow:0.1.0 .   # what CI does
#
# The build stage has the toolchain better-sqlite3 compiles with; the runtime stage has only Node.js, the production
# dependencies and the compiled code, and runs as an unprivileged user with a bounded heap.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
# A registry behind a TLS-inspecting proxy: mount its CA bundle and name it here (CI does, see .ci/image.sh).
ARG NODE_EXTRA_CA_CERTS
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY apps apps
COPY libs libs
# Compile, then drop the devDependencies: what remains is the tree `npm ci --omit=dev` installs, with
# better-sqlite3 already compiled, so the runtime stage needs no compiler.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && rm -rf dist/.tsbuildinfo

FROM ${BASE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The embedded SQLite default writes ./data; in Kubernetes the root filesystem is read-only and the database is MySQL.
RUN mkdir -p /app/data && chown 10001:10001 /app/data
# A numeric user, so Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 10001:10001
EXPOSE 3000
# No HEALTHCHECK: Kubernetes probes /health/live and /health/ready. Node runs as PID 1 in exec form, so SIGTERM
# reaches it directly and the app's shutdown hooks drain requests and the relay's batch before it exits (the
# service starts no child processes, so there are no zombies to reap and no need for an init).
# Other commands from the same image:
#   relay:     node --max-old-space-size=160 dist/apps/customerflow-relay/src/main.js
#   migration: node node_modules/typeorm/cli.js migration:run -d dist/ormconfig.js
CMD ["node", "--max-old-space-size=192", "dist/apps/customerflow-api/src/main.js"]
