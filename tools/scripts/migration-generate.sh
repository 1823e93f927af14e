#!/usr/bin/env bash
# Generates a migration from the difference between the entities and a scratch database migrated to HEAD.
# Usage: npm run migration:generate -- <PascalCaseName>
set -euo pipefail
name="${1:?usage: migration-generate.sh <PascalCaseName>}"
server="${MIGRATION_SERVER_URL:-postgres://postgres@127.0.0.1:5432}"
scratch="agent_controller_migrations_$$"
psql "$server/postgres" -qc "CREATE DATABASE $scratch"
trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)"' EXIT
export DATABASE_URL="$server/$scratch" TS_NODE_PROJECT=tsconfig.base.json TS_NODE_COMPILER_OPTIONS='{"module":"commonjs","moduleResolution":"node10"}'
cli="node -r ts-node/register/transpile-only -r tsconfig-paths/register node_modules/typeorm/cli.js"
$cli migration:run -d apps/agent-controller/src/data-source.ts
$cli migration:generate --pretty -d apps/agent-controller/src/data-source.ts "libs/agent-controller/database/src/lib/migrations/$name"
echo "Now add the new class to libs/agent-controller/database/src/lib/migrations/index.ts"
