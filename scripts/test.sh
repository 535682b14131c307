#!/bin/sh
# The test command of the README (`npm test`): format and lint check, type check, the packed packages installed and
# used as a user's project would (scripts/consumer-check.mjs), then every package's tests.
# Runs under Node >= 22.19 (npm test wraps it in scripts/node-env.sh).
set -eu
cd "$(dirname "$0")/.."
echo "== lint and format (biome)"
npx biome ci --colors=off .
echo "== typecheck"
node scripts/typecheck.mjs
echo "== packaging (consumer check)"
node scripts/consumer-check.mjs
echo "== tests (vitest)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results.json "$@" || status=$?
# A plain closing line for tools that read test counts.
node -e '
const r = JSON.parse(require("fs").readFileSync("test-results.json", "utf8"))
const skipped = r.numPendingTests + r.numTodoTests
console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`)
' || true
exit $status
