# mzflow: one static binary (CGO_ENABLED=0: SQLite is the pure-Go modernc driver) with
# the web page embedded. Used by docker-compose.yml for `migrate`, `api` and `worker`.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; fi

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV GOTOOLCHAIN=local CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
RUN go build -trimpath -ldflags "-s -w" -o /out/mzflow ./cmd/mzflow

FROM alpine:3.20
RUN adduser -D -u 10001 mzflow && apk add --no-cache tzdata wget
COPY --from=build /out/mzflow /usr/local/bin/mzflow
USER mzflow
EXPOSE 8080 9090
ENTRYPOINT ["mzflow"]
CMD ["api"]
