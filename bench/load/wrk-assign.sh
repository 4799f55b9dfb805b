#!/usr/bin/env bash
# Load on POST /v1/assign with wrk (Debian package `wrk`): fixed concurrency for a fixed time, one 28x28 PNG per
# request. Measures; asserts nothing. Start the pipeline first (e.g. ./vitsom run --rate 100) and wait until serving
# has a model (GET /health says UP).
#   bench/load/wrk-assign.sh [URL] [CONNECTIONS] [SECONDS] [THREADS]
# Defaults: http://127.0.0.1:8080/v1/assign, 16 connections, 60 s, 2 threads. TOKEN=... adds a bearer token;
# IMAGE=file.png posts another image.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${1:-http://127.0.0.1:8080/v1/assign}"
connections="${2:-16}"
seconds="${3:-60}"
threads="${4:-2}"
command -v wrk >/dev/null || { echo "wrk-assign: wrk is needed (apt-get install wrk)" >&2; exit 1; }
health="${url%/v1/assign}/health"
curl -fsS ${TOKEN:+-H "Authorization: Bearer $TOKEN"} "$health" >/dev/null \
  || { echo "wrk-assign: $health is not UP yet (no model in service?)" >&2; exit 1; }
echo "wrk-assign: $url, $connections connections, $threads threads, ${seconds}s, $(nproc) cores, $(date -u +%FT%TZ)"
IMAGE="${IMAGE:-$here/digit-7.png}" TOKEN="${TOKEN:-}" wrk -t "$threads" -c "$connections" -d "${seconds}s" \
  --latency --timeout 10s -s "$here/assign.lua" "$url"
