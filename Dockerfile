# One image for every Clearhouse service; docker-compose.yml picks the entry point per service.
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY subgraphs/kernel/package.json subgraphs/kernel/
COPY subgraphs/partners/package.json subgraphs/partners/
COPY subgraphs/transactions/package.json subgraphs/transactions/
COPY subgraphs/settlements/package.json subgraphs/settlements/
COPY subgraphs/fx/package.json subgraphs/fx/
COPY gateway/package.json gateway/
# Dev dependencies included: services run TypeScript through tsx, as `npm start` does.
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production HOST=0.0.0.0
USER node
