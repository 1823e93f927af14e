#!/usr/bin/env bash
# Runs a TypeScript file of the workspace with ts-node and the tsconfig path aliases (tools, benchmarks).
set -euo pipefail
cd "$(dirname "$0")/../.."
export TS_NODE_PROJECT=tsconfig.base.json TS_NODE_TRANSPILE_ONLY=true
export TS_NODE_COMPILER_OPTIONS='{"module":"commonjs","moduleResolution":"node10"}'
exec node -r ts-node/register -r tsconfig-paths/register "$@"
