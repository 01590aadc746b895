#!/usr/bin/env bash
# Records what the real agents print in real calls on a real LiveKit server — agents-js (the
# version in package-lock.json) and livekit-agents (the version test/real-livekit-python.test.ts
# pins) — in both log formats each (`start`: JSON at INFO; `dev`: pretty / coloured text at DEBUG),
# into test/fixtures/real-livekit/<framework>-<version>/<scenario>.<mode>.log, by running the
# end-to-end scenarios twice. Needs the server and the venv (scripts/livekit-server.sh,
# scripts/python-agents.sh). Rerun it when a framework version is bumped, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/fixtures/real-livekit
rm -rf "$out"/node-* "$out"/python-*
for mode in start dev; do
  DEADAIR_REQUIRE_LIVEKIT=1 DEADAIR_E2E_MODE="$mode" DEADAIR_E2E_RECORD="$out" \
    npx vitest run test/real-livekit-agents.test.ts test/real-livekit-python.test.ts
done
ls -R "$out"
