/**
 * Static files of the provisioned server. Nothing from a request or from the controller's settings is ever
 * put into them: what differs per server comes from files beside them (the `.env` files, `bootstrap.json`)
 * or from the compose file's `environment`, so no value can change what a shell or Caddy parses.
 */

/**
 * `/opt/agent-manager/setup.sh` (0700), run once by runcmd before `docker compose up`. It prepares, in its
 * own folder, with umask 077:
 * 1. `agent-manager.env`: with `bootstrap.json` (`{"url", "token"}`, the single-use token), fetched once with
 *    `Authorization: Bearer <token>` (curl `--fail`, TLS verified, no redirects, retried on connection errors,
 *    timeouts, 429 and 5xx, not on other 4xx), then `bootstrap.json` is deleted; without it, cloud-init has
 *    already written the file.
 * 2. `db.env`: `POSTGRES_PASSWORD` and `DB_PASSWORD`, one password generated here by `openssl rand -hex 32`.
 * 3. `caddy.env`: `SITE_HOST=<a-b-c-d>.sslip.io` from this server's public IPv4: the Hetzner metadata service,
 *    else DigitalOcean's, else the first public IPv4 of `hostname -I`. Whatever is read must be a dotted IPv4.
 * The token goes to curl in a header file, so it never shows in a process list or in the log.
 */
export const SETUP_SCRIPT = String.raw`#!/bin/bash
# Prepares the agent-manager's compose project on first boot. Static: it holds no secret and no input.
set -euo pipefail
umask 077
cd "$(dirname "$0")"

if [ -f bootstrap.json ]; then
  python3 - <<'PY'
import json
with open("bootstrap.json") as f:
    bootstrap = json.load(f)
url, token = bootstrap.get("url"), bootstrap.get("token")
if not isinstance(url, str) or not isinstance(token, str) or any(c in url + token for c in "\r\n"):
    raise SystemExit("bootstrap.json must hold a url and a token")
with open("bootstrap.url", "w") as f:
    f.write(url)
with open("bootstrap.header", "w") as f:
    f.write("Authorization: Bearer " + token + "\n")
PY
  curl --fail --silent --show-error --globoff --proto =https,http --tlsv1.2 \
    --retry 30 --retry-delay 10 --retry-connrefused --connect-timeout 10 --max-time 60 \
    --header @bootstrap.header --output agent-manager.env.part --url "$(cat bootstrap.url)"
  mv agent-manager.env.part agent-manager.env
  rm -f bootstrap.json bootstrap.url bootstrap.header
fi
if [ ! -s agent-manager.env ]; then
  echo 'setup: agent-manager.env is missing' >&2
  exit 1
fi

if [ ! -s db.env ]; then
  password=$(openssl rand -hex 32)
  printf 'POSTGRES_PASSWORD=%s\nDB_PASSWORD=%s\n' "$password" "$password" > db.env.part
  mv db.env.part db.env
fi

is_ipv4() {
  local IFS=. octet
  [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || return 1
  for octet in $1; do
    [ "$((10#$octet))" -le 255 ] || return 1
  done
}

public_ipv4() {
  local url address
  for url in http://169.254.169.254/hetzner/v1/metadata/public-ipv4 \
    http://169.254.169.254/metadata/v1/interfaces/public/0/ipv4/address; do
    address=$(curl --fail --silent --max-time 5 "$url" || true)
    if is_ipv4 "$address"; then
      echo "$address"
      return 0
    fi
  done
  for address in $(hostname -I); do
    case $address in
      10.* | 127.* | 169.254.* | 192.168.* | 172.1[6-9].* | 172.2[0-9].* | 172.3[01].*) continue ;;
    esac
    if is_ipv4 "$address"; then
      echo "$address"
      return 0
    fi
  done
  return 1
}

if ! ip=$(public_ipv4); then
  echo 'setup: cannot determine the public IPv4 address' >&2
  exit 1
fi
printf 'SITE_HOST=%s.sslip.io\n' "$(printf '%s' "$ip" | tr . -)" > caddy.env
`;

/**
 * `/opt/agent-manager/Caddyfile`: automatic HTTPS for `<a-b-c-d>.sslip.io` (a publicly trusted certificate
 * from the ACME HTTP-01 / TLS-ALPN challenge, ports 80 and 443), the HTTP API on 443 and the agent WebSocket
 * on `AGENT_WS_PORT` with the same certificate. Caddy fills `{$VAR}` from its environment when it reads the
 * file: `SITE_HOST` from `caddy.env`, `AGENT_WS_PORT` from the compose file.
 */
export const CADDYFILE = String.raw`{$SITE_HOST} {
  reverse_proxy agent-manager:3000
}

{$SITE_HOST}:{$AGENT_WS_PORT} {
  reverse_proxy agent-manager:8080
}
`;
