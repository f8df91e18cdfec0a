# One image for both process roles: `bun run start` (API, the default) or `bun run worker`.
FROM oven/bun:1.4 AS deps
WORKDIR /app
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile --production

FROM oven/bun:1.4 AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json bun.lock bunfig.toml tsconfig.json ./
COPY src ./src
COPY workers ./workers
COPY sql ./sql
COPY assets ./assets
COPY docker/healthcheck.ts ./docker/healthcheck.ts
RUN mkdir -p /app/storage && chown -R bun:bun /app/storage
USER bun
# 3000: the API (PORT); 3001: the worker's health endpoint (WORKER_HEALTH_PORT).
EXPOSE 3000 3001
# Works for both roles: healthy when this container's API or worker health endpoint answers.
# The start period covers start-up waiting for Postgres and Redis (STARTUP_TIMEOUT_S, 60 s).
HEALTHCHECK --interval=10s --timeout=5s --start-period=70s --retries=3 CMD ["bun", "docker/healthcheck.ts"]
CMD ["bun", "run", "start"]
