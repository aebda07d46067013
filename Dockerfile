# normguard as a container: one process (Discord, Slack, HTTP API) with its SQLite file on the
# /data volume. docs/deployment.md, "Packaged runs"; compose.yaml runs it beside Ollama.
#   docker build -t normguard .
#   docker run -d --name normguard -v normguard-data:/data -p 127.0.0.1:8787:8787 \
#     -e OLLAMA_HOST=http://gpu-host:11434 -e NORMGUARD_API_TOKEN=$(openssl rand -hex 24) normguard

# --- build: install everything, compile TypeScript to dist/, then drop the dev dependencies.
FROM node:20-bookworm-slim AS build
# sqlite3 is a native module: its prebuilt binary normally downloads, these build it when not.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY adapters ./adapters
COPY dashboard ./dashboard
COPY scripts/bundle.mjs ./scripts/
RUN npm run build && npm prune --omit=dev

# --- runtime: the compiled program and production dependencies only, as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NORMGUARD_DATA_DIR=/data \
    NORMGUARD_HTTP_HOST=0.0.0.0 \
    NORMGUARD_HTTP_PORT=8787
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The dashboard's stylesheet and script, served as they are (dist/ holds only compiled TypeScript).
COPY dashboard/static ./dashboard/static
COPY package.json ./
COPY bin ./bin
COPY data/moral_stories_sample.jsonl data/README.md ./data/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 8787: HTTP API, /healthz, /readyz, /metrics. 3000: Slack's HTTP mode (SLACK_PORT).
EXPOSE 8787 3000
# Ready = an Ollama host answers with the model installed and its breaker closed (200), else 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.NORMGUARD_HTTP_PORT||8787)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/normguard.js", "start"]
