# syntax=docker/dockerfile:1
# vault-injector image: `make image` (docker build -t vault-injector:dev .).
# Runs as UID/GID 10001 with a read-only root filesystem in the manifests (manifests/base).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: full dependency tree, TypeScript -> dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and the compiled output only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# V8 sizes its heap from the host, not the container: capping old space keeps RSS under sustained
# admission load near the live heap (README, Performance). The manifests set the same.
ENV NODE_OPTIONS=--max-old-space-size=128
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -f package-lock.json
COPY --from=build /src/dist ./dist
# The package's bin (dist/cli/main.js, `#!/usr/bin/env node`) on PATH as `vault-injector`.
RUN chmod 0755 dist/cli/main.js \
 && ln -s /app/dist/cli/main.js /usr/local/bin/vault-injector \
 && vault-injector --version
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["vault-injector"]
CMD ["agent-inject"]
