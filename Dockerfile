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
RUN mkdir -p /app/storage && chown -R bun:bun /app/storage
USER bun
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD bun -e "fetch('http://127.0.0.1:' + (process.env.PORT ?? 3000) + '/health/live').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["bun", "run", "start"]
