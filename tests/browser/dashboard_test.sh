#!/usr/bin/env bash
# The dashboard in headless Chromium (issue 17): each page loads with no console error
# and no failed request, its charts and tables are there, Tab reaches every control, axe-core
# finds no WCAG 2.2 A/AA violation, the compare page's CSV download equals the API's, and a
# `read` token never sees the children behind a figure while a `case` token does, as many
# as the figure's numerator and denominator. The servers run with tokens, as in production;
# with `embedded`, the same pages are served by `carestat run --serve --tokens FILE` (one
# machine, the issue's done-when) and its own audit log must record the listings.
#   tests/browser/dashboard_test.sh BUILD_DIR SOURCE_DIR [embedded]
#   (ctest: dashboard_browser, dashboard_browser_embedded)
# Needs Debian's chromium (scripts/test installs it), node 18 or later and npm: puppeteer-core
# and axe-core are installed from the npm registry into BUILD_DIR/browser-node when missing.
# Without any of them the test is skipped (exit 77) and says why.
set -euo pipefail
build=$1
src=$2
mode=${3:-servers}
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
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
carestat="$build/pipeline/carestat"
"$carestat" synth --profile barking-and-dagenham --out "$tmp/inbox" >/dev/null

# Tokens (plaintext on loopback, which Chromium needs no CA for): a `read` principal for
# the pages, a `case` one for the children behind a figure, and the services' own.
token() {   # token PRINCIPAL ROLES NAME: the token in $tmp/NAME.token, its line in $tmp/tokens
  "$carestat" token --principal "$1" --roles "$2" >"$tmp/$3.out"
  grep '^cst_' "$tmp/$3.out" >"$tmp/$3.token"
  awk 'length($1) == 64 && NF >= 3' "$tmp/$3.out" >>"$tmp/tokens"
  chmod 600 "$tmp/$3.token"
}
token dashboard read read
token j.smith read,case case
token metrics service metrics
token reporter read reporter
chmod 600 "$tmp/tokens"
browse() {   # browse URL: the pages in Chromium, with the read and case tokens
  echo "dashboard at $1"
  NODE_PATH="$nodedir/node_modules" node "$src/tests/browser/dashboard.mjs" "$1" "$chromium" "$nodedir/node_modules" \
    "$(cat "$tmp/read.token")" "$(cat "$tmp/case.token")"
}

if [ "$mode" = embedded ]; then
  # One machine: carestat run ingests, then serves the dashboard with the tokens file.
  "$carestat" run --init --inbox "$tmp/inbox" --out "$tmp/out" --data "$tmp/data" --serve --tokens "$tmp/tokens" \
    >"$tmp/run.out" 2>"$tmp/run.err" &
  pids+=($!)
  url=""
  for _ in $(seq 1 240); do
    url=$(grep -o 'the dashboard is at http://127\.0\.0\.1:[0-9]*/' "$tmp/run.out" | sed 's/.* at //' || true)
    [ -n "$url" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$url" ] || { cat "$tmp/run.out" "$tmp/run.err"; echo "carestat run --serve printed no URL"; exit 1; }
  browse "$url"
  # The dashboard's own audit log names the case principal for each list of children it
  # gave out, with the count, and nobody else got one.
  audit="$tmp/data/web-audit.jsonl"
  grep '"children":' "$audit" | grep -q '"principal":"j.smith"' ||
    { echo "the dashboard's audit log has no listing naming j.smith"; exit 1; }
  if grep '"children":' "$audit" | grep -v '"principal":"j.smith"'; then
    echo "the dashboard listed children to someone other than the case principal"; exit 1
  fi
  exit 0
fi

rc=0
"$carestat" run --init --inbox "$tmp/inbox" --out "$tmp/out" --data "$tmp/data" >"$tmp/run.log" 2>&1 || rc=$?
[ "$rc" -le 1 ] || { cat "$tmp/run.log"; echo "carestat run failed ($rc)"; exit 1; }

# The three servers as production runs them, with tokens and the services' own.
start() {   # start NAME ARGS...: runs carestat-NAME, waits for "listening on", sets $addr
  local name=$1; shift
  "$build/services/$name/carestat-$name" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  addr=""
  for _ in $(seq 1 120); do
    addr=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$tmp/$name.out" | head -1 | sed 's/listening on //' || true)
    [ -n "$addr" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.5
  done
  cat "$tmp/$name.err"; echo "carestat-$name did not start"; exit 1
}
common=(--init --listen 127.0.0.1:0 --plaintext --tokens "$tmp/tokens")
start ingestion "${common[@]}" --data "$tmp/data/ingestion"
start metrics "${common[@]}" --data "$tmp/data/metrics" --ingestion "$addr" --token-file "$tmp/metrics.token" \
  --audit-log "$tmp/metrics-audit.jsonl"
start reporting "${common[@]}" --metrics "$addr" --token-file "$tmp/reporter.token" --http-listen 127.0.0.1:0
url=""
for _ in $(seq 1 60); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/reporting.out" || true)
  [ -n "$url" ] && break
  sleep 0.5
done
[ -n "$url" ] || { cat "$tmp/reporting.err"; echo "carestat-reporting printed no URL"; exit 1; }
browse "$url"
# Metrics' audit log names the case principal for the children the browser was shown.
grep '"method":"/carestat.v1.Metrics/ListChildren"' "$tmp/metrics-audit.jsonl" | grep -q '"principal":"j.smith"' ||
  { echo "metrics' audit log has no ListChildren line naming j.smith"; exit 1; }
if grep '"method":"/carestat.v1.Metrics/ListChildren"' "$tmp/metrics-audit.jsonl" | grep -v '"principal":"j.smith"'; then
  echo "metrics listed children to someone other than the case principal"; exit 1
fi
