# The gateway as a container, for deploy/docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /samenloop
COPY package.json package-lock.json ./
# npm ci's postinstall applies these patches to dependencies (patch-package).
COPY deploy/npm-patches ./deploy/npm-patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build gateway && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /samenloop
ENV NODE_ENV=production
COPY --from=build /samenloop/node_modules ./node_modules
COPY --from=build /samenloop/dist/apps/gateway ./dist/apps/gateway
# The policy tests' messages: a policy goes live only when its tests pass (SAMENLOOP_SCHEMAS_DIR).
COPY --from=build /samenloop/schemas ./schemas
USER node
EXPOSE 3000
CMD ["node", "dist/apps/gateway/main.js"]
