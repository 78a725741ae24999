#!/usr/bin/env bash
# Installs what the web UI's build and browser tests need, only when missing:
# the npm packages of package-lock.json and Debian's chromium. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
