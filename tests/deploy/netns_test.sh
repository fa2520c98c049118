#!/usr/bin/env bash
# Three services on three hosts and the pipeline on a fourth: network namespaces joined
# by veth pairs to a bridge in a fifth (nothing is added to the machine's own network).
# The services serve TLS with bearer tokens, as in production. Metrics is killed (-9)
# while the pipeline runs and started again a few seconds later on the same address: the
# pipeline must retry, finish with exit 0, and its reports must equal those of an
# undisturbed run (`carestat run` on the same inbox).
#
#   tests/deploy/netns_test.sh BUILD_DIR
#
# Needs root (or CAP_NET_ADMIN) and iproute2; otherwise it says why and exits 77, which
# ctest reports as skipped.
set -euo pipefail
build=$(cd "${1:?usage: netns_test.sh BUILD_DIR}" && pwd)
carestat="$build/pipeline/carestat"

skip() { echo "SKIPPED: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "network namespaces need root (run the test command as root to include this test)"
command -v ip >/dev/null || skip "iproute2 ('ip') is not installed"

tag="cs$$"                     # names of this run: interface names stay within 15 characters
hosts=(ing met rep pipe)
declare -A addr=([ing]=10.213.0.1 [met]=10.213.0.2 [rep]=10.213.0.3 [pipe]=10.213.0.4)
work=$(mktemp -d "${TMPDIR:-/tmp}/carestat-netns.XXXXXX")
declare -A pid=()

cleanup() {
  for p in "${pid[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in sw "${hosts[@]}"; do ip netns del "$tag$n" 2>/dev/null || true; done
  if [ "${keep:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}

ip netns add "${tag}sw" 2>/dev/null || skip "cannot make network namespaces here (ip netns add failed: no CAP_NET_ADMIN?)"
ip -n "${tag}sw" link add br0 type bridge
ip -n "${tag}sw" link set br0 up
for h in "${hosts[@]}"; do
  ip netns add "$tag$h"
  ip link add name "$tag$h" netns "$tag$h" type veth peer name "$tag${h}p" netns "${tag}sw"
  ip -n "${tag}sw" link set "$tag${h}p" master br0 up
  ip -n "$tag$h" addr add "${addr[$h]}/24" dev "$tag$h"
  ip -n "$tag$h" link set "$tag$h" up
  ip -n "$tag$h" link set lo up
done

# Certificates for the three server addresses, and a token per calling principal.
"$carestat" certs --out "$work/certs" --hosts "${addr[ing]},${addr[met]},${addr[rep]}" >/dev/null
: >"$work/tokens"
token() {  # principal roles -> writes $work/<principal>.token, appends the tokens-file line
  local out
  out=$("$carestat" token --principal "$1" --roles "$2")
  sed -n 2p <<<"$out" >"$work/$1.token"
  sed -n 5p <<<"$out" >>"$work/tokens"
  chmod 600 "$work/$1.token"
}
token pipeline ingest,read,admin
token metrics service
token reporting read

tls=(--tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server.key" --tokens "$work/tokens")
# start NAME HOST LISTEN ARGS...: the server in its namespace; waits for its address.
start() {
  local name=$1 host=$2 listen=$3
  shift 3
  ip netns exec "$tag$host" "$build/services/$name/carestat-$name" --listen "$listen" "${tls[@]}" "$@" \
    >"$work/$name.log" 2>&1 &
  pid[$name]=$!
  for _ in $(seq 200); do
    local a
    a=$(grep -o "listening on [^ ]*" "$work/$name.log" | head -n1 | cut -d' ' -f3 || true)
    if [ -n "$a" ]; then eval "${name}_address=$a"; return 0; fi
    kill -0 "${pid[$name]}" 2>/dev/null || fail "$name exited at start"
    sleep 0.1
  done
  fail "$name did not start"
}
client=(--tls-ca "$work/certs/ca.pem")
start ingestion ing "${addr[ing]}:0" --data "$work/ing" --init
start metrics met "${addr[met]}:0" --data "$work/met" --init --ingestion "$ingestion_address" "${client[@]}" \
  --token-file "$work/metrics.token"
# Reporting has no route to ingestion: its data-quality section comes through metrics.
start reporting rep "${addr[rep]}:0" --metrics "$metrics_address" "${client[@]}" --token-file "$work/reporting.token"
echo "ingestion $ingestion_address, metrics $metrics_address, reporting $reporting_address"

"$carestat" synth --out "$work/inbox" >/dev/null
cp -a "$work/inbox" "$work/inbox-ref"

# The undisturbed run, for comparison.
"$carestat" run --init --verbose --inbox "$work/inbox-ref" --out "$work/out-ref" --data "$work/data-ref" >"$work/ref.log" 2>&1 ||
  fail "the undisturbed run failed"

# The pipeline on its own host. Metrics dies (kill -9) 1 s into the run, while files are
# being ingested, and stays down until the pipeline has found it gone and is retrying.
ip netns exec "${tag}pipe" "$carestat" pipeline --inbox "$work/inbox" --out "$work/out" \
  --ingestion "$ingestion_address" --metrics "$metrics_address" --reporting "$reporting_address" \
  --settle 0 --attempts 12 "${client[@]}" --token-file "$work/pipeline.token" >"$work/pipeline.log" 2>&1 &
pipeline_pid=$!
pid[pipeline]=$pipeline_pid
sleep 1
kill -9 "${pid[metrics]}"
wait "${pid[metrics]}" 2>/dev/null || true
echo "killed metrics 1 s into the run"
for _ in $(seq 300); do
  grep -q "retrying in" "$work/pipeline.log" && break
  kill -0 "$pipeline_pid" 2>/dev/null || break
  sleep 0.5
done
grep -q "retrying in" "$work/pipeline.log" || fail "the pipeline never retried metrics"
grep -m1 "retrying in" "$work/pipeline.log"
sleep 2
start metrics met "$metrics_address" --data "$work/met" --init --ingestion "$ingestion_address" "${client[@]}" \
  --token-file "$work/metrics.token"
echo "metrics back on $metrics_address"
status=0
wait "$pipeline_pid" || status=$?
unset 'pid[pipeline]'
[ "$status" -eq 0 ] || fail "the pipeline exited $status"

# The same reports as the undisturbed run: every table and figure (the data-quality table
# names upload times, which differ).
n=0
for f in "$work/out-ref/301/2015-16/"*.csv; do
  b=$(basename "$f")
  [ "$b" = self-assessment-data_quality.csv ] && continue
  [ -f "$work/out/301/2015-16/$b" ] || fail "the pipeline wrote no $b"
  cmp -s "$f" "$work/out/301/2015-16/$b" || { diff "$f" "$work/out/301/2015-16/$b" | head; fail "$b differs"; }
  n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n report tables compared"
[ -f "$work/out/archive/301/2016/cin-census.xml" ] || fail "the pipeline archived nothing"
echo "PASSED: pipeline across 4 hosts survived metrics being killed; $n report tables equal the undisturbed run's"
