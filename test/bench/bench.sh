#!/usr/bin/env bash
# `npm run bench`: on Node 24, the active LTS (unpacked from the npm registry on first use), whose figures users of
# the current LTS will see; BENCH_NODE=current runs it on the Node that runs npm (Debian's Node 20, say).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_NODE:-24}" != current ]; then PATH="$(bash test/tools/node-24.sh):$PATH"; fi
exec node -r @swc-node/register test/bench/token-issuance.bench.ts
