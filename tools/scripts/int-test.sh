#!/usr/bin/env bash
# Runs the database integration suite (node:test; PGlite cannot load inside Jest) on the embedded
# database, and again on the PostgreSQL server named by TEST_DATABASE_URL when it is set.
set -euo pipefail
cd "$(dirname "$0")/../.."
export TS_NODE_PROJECT=tsconfig.base.json TS_NODE_TRANSPILE_ONLY=true
export TS_NODE_COMPILER_OPTIONS='{"module":"commonjs","moduleResolution":"node10"}'
files=$(find apps libs -name '*.int-spec.ts' -not -path '*/node_modules/*' | sort)
run() { node --test --test-reporter=spec --test-concurrency=1 -r ts-node/register -r tsconfig-paths/register $files; }

echo "== integration tests on the embedded database (PGlite)"
TEST_DATABASE_URL= run
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== integration tests on the PostgreSQL server"
  run
fi
