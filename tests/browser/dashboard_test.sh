#!/usr/bin/env bash
# The dashboard in headless Chromium (issue 17): each page loads with no console error
# and no failed request, its charts and tables are there, Tab reaches every control, axe-core
# finds no WCAG 2.2 A/AA violation, and the compare page's CSV download equals the API's.
#   tests/browser/dashboard_test.sh BUILD_DIR SOURCE_DIR      (ctest: dashboard_browser)
# Needs Debian's chromium (scripts/test installs it), node 18 or later and npm: puppeteer-core
# and axe-core are installed from the npm registry into BUILD_DIR/browser-node when missing.
# Without any of them the test is skipped (exit 77) and says why.
set -euo pipefail
build=$1
src=$2
skip() { echo "dashboard_browser skipped: $*"; exit 77; }

chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || skip "chromium is not installed (scripts/test installs it: apt-get install chromium)"
command -v node >/dev/null || skip "node is not installed (apt-get install nodejs npm)"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ] || skip "node $(node --version) is older than 18"
nodedir="$build/browser-node"
# Pinned: the versions this test was written against.
packages=(puppeteer-core@24.34.0 axe-core@4.11.1)
if [ ! -f "$nodedir/node_modules/puppeteer-core/package.json" ] || [ ! -f "$nodedir/node_modules/axe-core/axe.min.js" ]; then
  command -v npm >/dev/null || skip "npm is not installed (apt-get install npm)"
  mkdir -p "$nodedir"
  [ -f "$nodedir/package.json" ] || (cd "$nodedir" && npm init -y >/dev/null)
  if ! (cd "$nodedir" && npm install --no-audit --no-fund --ignore-scripts --save-exact "${packages[@]}" \
        >"$nodedir/npm.log" 2>&1); then
    tail -5 "$nodedir/npm.log"
    skip "cannot install ${packages[*]} from the npm registry into $nodedir"
  fi
fi

tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"$build/pipeline/carestat" synth --profile barking-and-dagenham --out "$tmp/inbox" >/dev/null
"$build/pipeline/carestat" run --init --verbose --inbox "$tmp/inbox" --out "$tmp/out" --data "$tmp/data" --serve \
  >"$tmp/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 240); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/serve.log" || true)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log"; echo "carestat run --serve exited"; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { cat "$tmp/serve.log"; echo "carestat run --serve printed no URL within 120 s"; exit 1; }
echo "dashboard at $url"
NODE_PATH="$nodedir/node_modules" node "$src/tests/browser/dashboard.mjs" "$url" "$chromium" "$nodedir/node_modules"
