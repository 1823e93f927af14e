#!/usr/bin/env bash
# The whole test suite: lint, unit tests, build, database integration tests (embedded, and the server
# when TEST_DATABASE_URL is set), end-to-end journeys against the built server, container checks, and the
# Kubernetes manifests rendered and validated.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

step() { printf '\n=== %s\n' "$*"; }

step "format"
npx nx format:check --all
step "lint + type checks + unit tests"
npx nx run-many -t lint typecheck test --parallel=2 --outputStyle=static
step "build"
npx nx run agent-controller:build --outputStyle=static
step "console size (sign-in route, gzipped)"
node tools/scripts/console-size.mjs
step "integration tests (database)"
bash tools/scripts/int-test.sh
if [ -n "${TEST_DATABASE_URL:-}" ]; then backend="PostgreSQL server; one suite on the embedded database"; else backend="embedded database"; fi
step "end-to-end tests ($backend; the console in Chromium)"
bash tools/scripts/ensure-chromium.sh
npx nx run agent-controller-e2e:e2e --outputStyle=static
step "container files"
bash tools/scripts/check-docker.sh
step "Kubernetes manifests (rendered and validated, no cluster)"
bash tools/scripts/check-kubernetes.sh
