#!/usr/bin/env bash
# Static checks of the container files; needs no Docker engine.
#   compose.yaml -> dclint: Compose-specification schema + best-practice rules
#   Dockerfile   -> dockerfile-utils: BuildKit-style instruction/flag validation
#   entrypoint   -> shellcheck (Debian package, installed when missing)
#   haproxy.cfg  -> haproxy -c (Debian package, installed when missing): the scale profile's load balancer
# Exits non-zero on any problem. Usage: bash tools/scripts/check-docker.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

# Run a devDependency's CLI: the installed copy, else the version pinned in
# package.json fetched by npx (e.g. before `npm ci`).
run_dev_tool() {
  local pkg="$1" bin="$2"
  shift 2
  if [[ -x "node_modules/.bin/$bin" ]]; then
    "node_modules/.bin/$bin" "$@"
  else
    local version
    version="$(node -p "require('./package.json').devDependencies['$pkg']")"
    npx --yes --package="$pkg@$version" -- "$bin" "$@"
  fi
}

echo "== compose: dclint docker/compose.yaml"
# dclint validates the raw file (no interpolation), so no dummy secrets are needed.
run_dev_tool dclint dclint --version
run_dev_tool dclint dclint --max-warnings 0 docker/compose.yaml || fail "dclint reported problems"

echo "== compose: variables documented in docker/.env.example"
# `$${VAR}` is an escape for the container's shell, not a compose variable.
while read -r var; do
  grep -qE "^#?${var}=" docker/.env.example || fail "\${$var} is used in compose.yaml but missing from .env.example"
done < <(grep -oE '(^|[^$])\$\{[A-Z_][A-Z0-9_]*' docker/compose.yaml | sed -E 's/.*\$\{//' | sort -u)

echo "== Dockerfile: dockerfile-utils lint docker/Dockerfile"
run_dev_tool dockerfile-utils dockerfile-utils --version
# It exits 0 on warnings, so any output at all counts as a problem.
if ! lint_out="$(run_dev_tool dockerfile-utils dockerfile-utils lint docker/Dockerfile)" || [[ -n "$lint_out" ]]; then
  echo "$lint_out"
  fail "dockerfile-utils reported problems"
fi

echo "== Dockerfile: project rules"
grep -qE '^USER +node$' docker/Dockerfile || fail "runtime stage must run as USER node"
grep -qE '^HEALTHCHECK ' docker/Dockerfile || fail "HEALTHCHECK missing"
grep -qE '^EXPOSE +3100$' docker/Dockerfile || fail "EXPOSE 3100 missing"
grep -qE '^exec node ' docker/entrypoint.sh || fail "entrypoint.sh must exec node"

# A Debian package's tool, installed when missing (as root).
ensure_tool() {
  local tool="$1" package="$2"
  command -v "$tool" >/dev/null 2>&1 && return
  echo "$tool not found; installing the Debian package $package"
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  else
    echo "cannot install $package here (needs root and apt-get)" >&2
    exit 1
  fi
}

echo "== load balancer: haproxy -c docker/haproxy.cfg"
# Debian's HAProxy (2.6) checks the syntax; the image runs 3.0, which reads the same keywords.
ensure_tool haproxy haproxy
haproxy -v | sed -n 1p
haproxy -c -f docker/haproxy.cfg || fail "docker/haproxy.cfg is not a valid HAProxy configuration"
grep -qE '^ +server-template +[a-z]+ +[0-9]+ +agent-controller-replica:3100$' docker/haproxy.cfg ||
  fail "haproxy.cfg must balance over the compose service agent-controller-replica:3100"

echo "== entrypoint: shellcheck docker/entrypoint.sh"
ensure_tool shellcheck shellcheck
shellcheck --version | sed -n 2p
shellcheck docker/entrypoint.sh tools/scripts/check-docker.sh tools/scripts/check-kubernetes.sh || fail "shellcheck reported problems"

if [[ "$failed" -ne 0 ]]; then
  echo "check-docker: FAILED" >&2
  exit 1
fi
echo "check-docker: all checks passed"
