#!/bin/sh
# Entrypoint of the Agent Controller image (run under tini, see Dockerfile).
# Database migrations are run by the app itself at start-up, before it
# listens, so nothing needs to happen here first.
set -eu

cd /app

# exec replaces this shell with node, so SIGTERM from `docker stop` reaches
# the app directly and Nest's shutdown hooks run.
exec node main.js "$@"
