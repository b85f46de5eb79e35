#!/usr/bin/env bash
# `npm run bench`: on Node 24, the active LTS (unpacked from the npm registry on first use), whose figures users of
# the current LTS will see; BENCH_NODE=current runs it on the Node that runs npm (Debian's Node 20, say).
# BENCH_ONLY=stream runs only the audit streaming benchmark, BENCH_ONLY=console only the console's overview; any
# other BENCH_ONLY only the token issuance one.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_NODE:-24}" != current ]; then PATH="$(bash test/tools/node-24.sh):$PATH"; fi
only="${BENCH_ONLY:-}"
if [ "$only" != stream ] && [ "$only" != console ]; then node -r @swc-node/register test/bench/token-issuance.bench.ts; fi
if [ -z "$only" ] || [ "$only" = stream ]; then node -r @swc-node/register test/bench/audit-stream.bench.ts; fi
if [ -z "$only" ] || [ "$only" = console ]; then node -r @swc-node/register test/bench/console-overview.bench.ts; fi
