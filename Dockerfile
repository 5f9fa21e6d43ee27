# syntax=docker/dockerfile:1
# idlens container image: Next.js standalone output on Node 20, non-root, read-only root filesystem.
# Build: docker build -t idlens .        (deploy/README.md; the image layout is tested by
# tests/integration/standalone.test.ts, which assembles the same directory and runs it.)

ARG NODE_IMAGE=node:20-bookworm-slim

# ── deps: every dependency, dev ones included (the build needs TypeScript) ─────────────────────
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 is a native addon: node-gyp needs python3, make and a C++ compiler when no
# prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# `npm install`, not `npm ci` (same as .ci/run): vite lists a Windows-only optional dependency that
# some registries do not serve, so it cannot be in the lockfile and `npm ci` refuses the mismatch.
# The lockfile still pins every other version.
RUN npm install --no-audit --no-fund

# ── build: `next build` with `output: 'standalone'` (next.config.js) ───────────────────────────
FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npx next build

# ── runtime ───────────────────────────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOME=/tmp \
    HOSTNAME=0.0.0.0 \
    PORT=3000
WORKDIR /app
# The standalone directory holds server.js, the traced node_modules (next, react, and the
# serverExternalPackages: @kubernetes/client-node, @azure/msal-node, better-sqlite3 with its
# compiled .node file) and .next/server. Static assets and public/ are not part of it: copy them
# in, as the Next.js docs say. Everything stays owned by root and is read-only for the app user;
# the only writable place is /tmp (an emptyDir in deploy/base: the correlation index lives there).
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
# idlens's own HTTP entry (validates the configuration, binds, request IDs, peer address) and the
# plain-JavaScript modules it imports; zod comes with the traced node_modules.
COPY --from=build /app/lib/server/main.mjs ./lib/server/main.mjs
COPY --from=build /app/lib/server/logger.mjs ./lib/server/logger.mjs
COPY --from=build /app/lib/server/redact.mjs ./lib/server/redact.mjs
COPY --from=build /app/lib/config-schema.mjs ./lib/config-schema.mjs
USER 10001:10001
EXPOSE 3000
# The one place that says how the server starts: lib/server/main.mjs serves the standalone build
# (not the generated server.js, which skips idlens's start-up checks).
CMD ["node", "lib/server/main.mjs"]
