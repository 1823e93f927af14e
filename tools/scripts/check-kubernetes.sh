#!/usr/bin/env bash
# Static checks of the Kubernetes manifests; needs no cluster.
#   every overlay under deploy/kubernetes/overlays -> `kubectl kustomize` renders it
#   every rendered object -> tools/scripts/validate-kubernetes.mjs: a known API kind, its schema, no unknown
#                            fields, the project's rules (probes, security, shutdown budget, references)
#   the validator itself -> must catch a set of deliberately broken manifests
#   secret.example.env   -> the Secret's keys, placeholders only
# Exits non-zero on any problem. Usage: bash tools/scripts/check-kubernetes.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# kustomize 5 syntax (labels, patches with targets, matchLabelKeys) needs kubectl 1.27 or newer. The machines
# come with kubectl 1.32; Debian's kubernetes-client package is 1.20 (kustomize 2), too old to install instead.
min_minor=27
if ! command -v kubectl >/dev/null 2>&1; then
  echo "check-kubernetes: kubectl not found; install kubectl 1.${min_minor} or newer (it brings kustomize)." >&2
  echo "  Debian's kubernetes-client package (1.20) is too old for these manifests." >&2
  exit 1
fi
client_version="$(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: v//p')"
minor="$(echo "$client_version" | cut -d. -f2)"
if [[ ! "$minor" =~ ^[0-9]+$ ]] || ((minor < min_minor)); then
  echo "check-kubernetes: kubectl ${client_version:-of unknown version} is too old; 1.${min_minor} or newer is needed." >&2
  exit 1
fi
echo "== kubectl ${client_version} ($(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p' | sed 's/^/kustomize /'))"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

rendered=()
for overlay in deploy/kubernetes/overlays/*/; do
  name="$(basename "$overlay")"
  echo "== render: kubectl kustomize ${overlay%/}"
  kubectl kustomize "$overlay" >"$out/$name.yaml"
  rendered+=("$out/$name.yaml")
done
if [[ ${#rendered[@]} -eq 0 ]]; then
  echo "check-kubernetes: no overlays under deploy/kubernetes/overlays" >&2
  exit 1
fi

echo "== validate: every object against the Kubernetes API schemas and the project's rules"
node tools/scripts/validate-kubernetes.mjs "${rendered[@]}"

echo "== validator self-test: broken variants of the production overlay must fail"
node tools/scripts/validate-kubernetes.mjs --self-test "$out/production.yaml"

echo "== secret.example.env: the Secret's keys, with placeholders only"
example=deploy/kubernetes/secret.example.env
for key in DATABASE_URL ENCRYPTION_KEY JWT_SECRET; do
  grep -qE "^${key}=" "$example" || { echo "check-kubernetes: $example lacks $key" >&2; exit 1; }
done
# Every value that is set, commented or not, holds REPLACE_ME: a real secret must never be committed.
if grep -E '^#?[A-Z_]+=' "$example" | grep -v 'REPLACE_ME'; then
  echo "check-kubernetes: $example must hold placeholders (REPLACE_ME) only" >&2
  exit 1
fi

echo "check-kubernetes: all checks passed"
