#!/usr/bin/env bash
# Checks the deployment files in deploy/ (systemd units, compose, Kubernetes).
#   tests/deploy/deploy_test.sh [DEPLOY_DIR]      (default: the repository's deploy/)
# Exit 0 when every check that could run passed, 1 when one failed. A check that
# cannot run here (a tool is missing) prints "skipped: <reason>" and does not count
# as passed. Registered in ctest as deploy_manifests.
set -uo pipefail

deploy=${1:-$(cd "$(dirname "$0")/../../deploy" && pwd)}
deploy=$(cd "$deploy" && pwd) || { echo "deploy_test: no such folder: ${1:-}" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 skipped=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
skip() { echo "skipped: $*"; skipped=$((skipped + 1)); }

units=("$deploy"/systemd/*.service "$deploy"/systemd/*.timer "$deploy"/systemd/*.target)
services=(ingestion metrics reporting)
ports=(7401 7402 7403)

# ---- systemd: directives the issue asks for (plain text, always runs) -------------
unit_has() { grep -Eq "^$2\$" "$1"; }
for i in 0 1 2; do
  s=${services[$i]} p=${ports[$i]}
  f="$deploy/systemd/carestat-$s.service"
  if [ ! -f "$f" ]; then fail "systemd: $f is missing"; continue; fi
  missing=()
  for d in 'DynamicUser=yes' "StateDirectory=carestat/$s" 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
           'Restart=on-failure' 'PrivateTmp=yes' 'ProtectHome=yes' 'PrivateDevices=yes' \
           'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
           'CapabilityBoundingSet=' 'ProtectKernelTunables=yes' 'ProtectKernelModules=yes' \
           'ProtectControlGroups=yes' 'RestrictNamespaces=yes' 'LockPersonality=yes' \
           'MemoryDenyWriteExecute=yes' 'SystemCallArchitectures=native' 'UMask=0077' \
           "ExecStart=/usr/local/bin/carestat-$s --flagfile /etc/carestat/carestat-$s\\.flags.*"; do
    unit_has "$f" "$d" || missing+=("$d")
  done
  # The flags themselves are in deploy/config/carestat-<service>.flags (installed in /etc/carestat).
  flags="$deploy/config/carestat-$s.flags"
  for d in "--listen=127\\.0\\.0\\.1:$p" "--data=/var/lib/carestat/$s"; do
    unit_has "$flags" "$d" 2>/dev/null || missing+=("$flags: $d")
  done
  if [ ${#missing[@]} -eq 0 ]; then pass "systemd: carestat-$s.service has the required directives, loopback :$p"
  else fail "systemd: carestat-$s.service lacks: ${missing[*]}"; fi
done
# Every flags file is one flag per line (as the servers' --flagfile reads it).
for flags in "$deploy"/config/*.flags; do
  bad=$(grep -Ev '^[[:space:]]*(#.*)?$|^--[a-z][a-z0-9-]*(=.*)?$' "$flags")
  if [ -z "$bad" ]; then pass "config: $(basename "$flags") is one --flag[=value] per line"
  else fail "config: $(basename "$flags") has lines that are not --name=value: $bad"; fi
done
# Loopback servers say --plaintext on purpose (no warning; TLS is refused nowhere here):
# the unit's command line and its flags file read as one.
for s in "${services[@]}"; do
  f="$deploy/systemd/carestat-$s.service"
  [ -f "$f" ] || continue
  exec_line=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$f" | tr -d '\\\n')
  if [ -f "$deploy/config/carestat-$s.flags" ]; then
    exec_line="$exec_line $(grep -v '^#' "$deploy/config/carestat-$s.flags" | sed 's/=/ /' | tr '\n' ' ')"
  fi
  if grep -q -- '--listen 127\.0\.0\.1:' <<< "$exec_line" && grep -q -- ' --plaintext\b' <<< "$exec_line"; then
    pass "systemd: carestat-$s.service serves loopback plaintext with --plaintext"
  elif grep -q -- '--tls-cert' <<< "$exec_line" && grep -q -- '--tls-key' <<< "$exec_line" && grep -q -- '--tokens' <<< "$exec_line"; then
    pass "systemd: carestat-$s.service serves TLS with tokens"
  else
    fail "systemd: carestat-$s.service must pass --plaintext on 127.0.0.1 (or --tls-cert, --tls-key and --tokens)"
  fi
done
f="$deploy/systemd/carestat-pipeline.service"
cmd='ExecStart=/usr/local/bin/carestat pipeline --flagfile /etc/carestat/carestat-pipeline.flags'
# ... and its flags file says where the inbox, the reports and the three services are.
flags="$deploy/config/carestat-pipeline.flags"
pipeline_flags=(--inbox=/var/lib/carestat/inbox --out=/var/lib/carestat/out --ingestion=127.0.0.1:7401
                --metrics=127.0.0.1:7402 --reporting=127.0.0.1:7403)
flags_ok=1
for d in "${pipeline_flags[@]}"; do grep -qxF -- "$d" "$flags" 2>/dev/null || flags_ok=0; done
if [ $flags_ok = 1 ]; then pass "config: carestat-pipeline.flags names the inbox, the output and the three loopback services"
else fail "config: $flags must hold ${pipeline_flags[*]}"; fi
if [ -f "$f" ] && grep -qxF "$cmd" "$f" && unit_has "$f" 'Type=oneshot' && unit_has "$f" 'DynamicUser=yes' \
   && unit_has "$f" 'ProtectSystem=strict' && unit_has "$f" 'NoNewPrivileges=yes' \
   && unit_has "$f" 'StateDirectory=carestat/inbox carestat/out'; then
  pass "systemd: carestat-pipeline.service is a hardened oneshot with the agreed command line"
else
  fail "systemd: carestat-pipeline.service must be Type=oneshot, DynamicUser, ProtectSystem=strict, NoNewPrivileges, StateDirectory=carestat/inbox carestat/out, and run: ${cmd#ExecStart=}"
fi
f="$deploy/systemd/carestat-pipeline.timer"
if [ -f "$f" ] && grep -Eq '^OnCalendar=.+' "$f" && unit_has "$f" 'Unit=carestat-pipeline.service' \
   && unit_has "$f" 'Persistent=true'; then
  pass "systemd: carestat-pipeline.timer schedules carestat-pipeline.service"
else
  fail "systemd: carestat-pipeline.timer needs OnCalendar=, Persistent=true and Unit=carestat-pipeline.service"
fi

# ---- systemd: systemd-analyze verify and security, in a scratch root --------------
# The units' real ExecStart paths are resolved inside the scratch root, where stub
# executables stand in for the binaries; the distribution's own units (sysinit.target,
# ...) are copied in so that dependencies resolve without a running systemd.
if ! command -v systemd-analyze >/dev/null; then
  skip "systemd-analyze verify/security: systemd-analyze is not installed"
elif [ ! -f /usr/lib/systemd/system/sysinit.target ] && [ ! -f /lib/systemd/system/sysinit.target ]; then
  skip "systemd-analyze verify/security: the host has no systemd unit directory to resolve sysinit.target against"
else
  root="$work/root"
  mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd"
  if [ -f /usr/lib/systemd/system/sysinit.target ]; then sysdir=/usr/lib/systemd/system; else sysdir=/lib/systemd/system; fi
  cp -a "$sysdir" "$root/usr/lib/systemd/"
  cp "${units[@]}" "$root/etc/systemd/system/"
  sed -n 's/^Exec[A-Za-z]*=[-@+!:]*\([^ ]*\).*/\1/p' "${units[@]}" | sort -u | while read -r exe; do
    mkdir -p "$root$(dirname "$exe")"
    printf '#!/bin/sh\nexit 0\n' > "$root$exe"
    chmod 0755 "$root$exe"
  done
  names=()
  for u in "${units[@]}"; do names+=("$root/etc/systemd/system/$(basename "$u")"); done
  out=$(systemd-analyze verify --man=no --root="$root" "${names[@]}" 2>&1)
  rc=$?
  # verify exits 0 on mere warnings (an unknown key, a bad value): any line that
  # names a carestat unit is a failure too.
  problems=$(printf '%s\n' "$out" | grep -i carestat)
  if [ $rc -eq 0 ] && [ -z "$problems" ]; then
    pass "systemd-analyze verify: ${#units[@]} units clean"
  else
    fail "systemd-analyze verify (exit $rc):"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
  for u in "${units[@]}"; do
    case "$u" in *.service) ;; *) continue ;; esac
    n=$(basename "$u")
    line=$(systemd-analyze security --offline=true --root="$root" "$n" 2>&1 | grep 'Overall exposure level')
    if [ -z "$line" ]; then
      skip "systemd-analyze security $n: this systemd cannot score units offline"
    elif printf '%s' "$line" | grep -Eq ': [0-9.]+ (SAFE|OK)'; then
      pass "systemd-analyze security $n: exposure $(printf '%s' "${line##*: }" | cut -d' ' -f1-2)"
    else
      fail "systemd-analyze security $n: $line (want OK or SAFE)"
    fi
  done
fi

# ---- the inbox router of the Kubernetes pipeline (functional) ---------------------
r="$deploy/kubernetes/route-inbox.sh"
if [ ! -f "$r" ]; then
  fail "route-inbox.sh is missing"
else
  t="$work/route"
  mkdir -p "$t/in/301/2016" "$t/in/304/2016" "$t/in/999/2016"
  printf '301 0\n# comment\n304 1  # trailing comment\n' > "$t/map"
  echo x > "$t/in/301/2016/a.xml"
  echo x > "$t/in/301/2016/b.csv.partial"
  echo x > "$t/in/304/2016/c.csv"
  echo x > "$t/in/999/2016/d.csv"
  sh "$r" "$t/map" 0 2 "$t/in" "$t/s0" > "$t/log0" 2>&1; rc0=$?
  sh "$r" "$t/map" 1 2 "$t/in" "$t/s1" > "$t/log1" 2>&1; rc1=$?
  if [ $rc0 -eq 0 ] && [ $rc1 -eq 0 ] && [ -f "$t/s0/301/2016/a.xml" ] && [ -f "$t/s1/304/2016/c.csv" ] \
     && [ -f "$t/in/301/2016/b.csv.partial" ] && [ -f "$t/in/999/2016/d.csv" ] && [ ! -e "$t/s1/301" ] \
     && grep -q 'LA 999 has no shard' "$t/log0"; then
    pass "route-inbox.sh moves each shard's LAs only, leaves .partial and unmapped LAs"
  else
    fail "route-inbox.sh routing (exit $rc0/$rc1):"; sed 's/^/    /' "$t/log0" "$t/log1"
  fi
  printf '301 0\n301 1\n' > "$t/dup"
  printf '301 7\n' > "$t/range"
  if ! sh "$r" "$t/dup" 0 2 "$t/in" "$t/x" >/dev/null 2>&1 && ! sh "$r" "$t/range" 0 2 "$t/in" "$t/x" >/dev/null 2>&1; then
    pass "route-inbox.sh refuses a map with a duplicate LA or a shard out of range"
  else
    fail "route-inbox.sh accepted a bad LA->shard map"
  fi
  # The real map must be valid for the shard count of the manifests (checked below).
fi

# ---- shell syntax of the scripts --------------------------------------------------
for s in "$deploy"/kubernetes/*.sh "$deploy"/compose/*.sh; do
  [ -f "$s" ] || continue
  if sh -n "$s" 2>"$work/sh.err"; then pass "sh -n $(basename "$s")"; else fail "sh -n $s: $(cat "$work/sh.err")"; fi
done
if command -v shellcheck >/dev/null; then
  if shellcheck -s sh "$deploy"/kubernetes/*.sh "$deploy"/compose/*.sh && shellcheck "$0"; then
    pass "shellcheck: deploy scripts and this test"
  else
    fail "shellcheck (see above)"
  fi
else
  skip "shellcheck: not installed (sh -n syntax checks ran)"
fi

# ---- Dockerfile (plain text) ------------------------------------------------------
df="$deploy/compose/Dockerfile"
if [ -f "$df" ] && grep -Eq '^FROM debian:bookworm AS build' "$df" \
   && grep -Eq '^FROM debian:bookworm(-slim)? AS runtime' "$df" && grep -Eq '^USER [1-9][0-9]*' "$df" \
   && grep -q 'scripts/setup' "$df" && grep -q 'runtime-packages.txt' "$df" && grep -q 'runtime-deps.sh' "$df"; then
  pass "Dockerfile: bookworm build and runtime stages, packages from scripts/setup, runtime list checked, non-root"
else
  fail "Dockerfile: expected FROM debian:bookworm AS build, FROM debian:bookworm[-slim] AS runtime, scripts/setup, runtime-packages.txt checked by runtime-deps.sh, USER <uid>"
fi
pk="$deploy/compose/runtime-packages.txt"
if ! command -v apt-cache >/dev/null; then
  skip "runtime package names: apt-cache is not installed"
elif ! apt-cache show libc6 >/dev/null 2>&1; then
  skip "runtime package names: apt has no package lists here (run apt-get update)"
else
  bad=()
  mapfile -t want < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$pk")
  known=$(apt-cache show --no-all-versions "${want[@]}" 2>/dev/null | sed -n 's/^Package: //p')
  for p in "${want[@]}"; do
    grep -qxF "$p" <<< "$known" || bad+=("$p")
  done
  if [ ${#bad[@]} -eq 0 ]; then pass "runtime-packages.txt: every package exists in this machine's Debian"
  else fail "runtime-packages.txt: unknown to apt: ${bad[*]}"; fi
fi

# ---- no key material anywhere in deploy/ ------------------------------------------
if grep -RIlE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----|-----BEGIN CERTIFICATE-----' "$deploy" >"$work/keys"; then
  fail "key or certificate material committed in: $(tr '\n' ' ' < "$work/keys")"
else
  pass "no PEM keys or certificates under deploy/"
fi
keyfiles() {
  find "$deploy" \( -name 'hmac.key' -o -name '*.pem' -o -name '*.crt' -o -name '*.key' -o -name '*.token' \
    -o -name tokens -o -path "$deploy/compose/secrets/*" \) -print
}
if keyfiles | grep -q .; then
  fail "key or token files under deploy/: $(keyfiles | tr '\n' ' ')"
else
  pass "no key, certificate or token files under deploy/ (nor compose/secrets/)"
fi
# A tokens-file line (sha256 hex, principal, roles) or a bearer token (cst_ + base64url).
if grep -RIlE -- '^[[:space:]]*[0-9a-f]{64}[[:space:]]+[A-Za-z0-9_.:-]+[[:space:]]+[a-z]+|cst_[A-Za-z0-9_-]{40,}' "$deploy" >"$work/tokens"; then
  fail "tokens or token hashes committed in: $(tr '\n' ' ' < "$work/tokens")"
else
  pass "no tokens or tokens-file lines under deploy/"
fi

# ---- YAML: parse everything, then check what a deployment needs -------------------
if ! command -v python3 >/dev/null; then
  skip "YAML parsing and manifest checks: python3 is not installed"
elif ! python3 -c 'import yaml' 2>/dev/null; then
  skip "YAML parsing and manifest checks: python3 has no yaml module (Debian: python3-yaml)"
else
  python3 - "$deploy" > "$work/py.log" 2>&1 <<'PY'
import glob, os, re, sys
import yaml

deploy = sys.argv[1]
passed = failed = 0
def ok(msg):
    global passed; passed += 1; print("ok: " + msg)
def bad(msg):
    global failed; failed += 1; print("FAIL: " + msg)
def check(cond, good, wrong):
    ok(good) if cond else bad(wrong)

# Parse every YAML file.
docs = {}
for path in sorted(glob.glob(os.path.join(deploy, "**", "*.y*ml"), recursive=True)):
    rel = os.path.relpath(path, deploy)
    try:
        with open(path) as f:
            docs[rel] = [d for d in yaml.safe_load_all(f) if d is not None]
        ok(f"{rel} parses ({len(docs[rel])} document(s))")
    except yaml.YAMLError as e:
        bad(f"{rel} does not parse: {e}")

k8s_dir = "kubernetes"
kust = docs.get(os.path.join(k8s_dir, "kustomization.yaml"), [{}])[0]
resources = kust.get("resources", [])
objs = []   # (file, object) of the applied manifests
for r in resources:
    rel = os.path.join(k8s_dir, r)
    if rel not in docs:
        bad(f"kustomization.yaml lists {r}, which does not exist or does not parse")
        continue
    objs += [(rel, d) for d in docs[rel]]
for g in kust.get("configMapGenerator", []):
    for spec in g.get("files", []):
        src = spec.split("=", 1)[-1]
        check(os.path.isfile(os.path.join(deploy, k8s_dir, src)),
              f"ConfigMap {g['name']}: {src} exists", f"ConfigMap {g['name']}: {src} is missing")
check(len(objs) > 0, f"kustomization.yaml: {len(objs)} objects", "kustomization.yaml applies nothing")

def of_kind(kind):
    return [(f, o) for f, o in objs if o.get("kind") == kind]
def name(o):
    return o.get("metadata", {}).get("name", "?")
def pod_spec(o):
    if o["kind"] == "CronJob":
        return o["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return o["spec"]["template"]["spec"]
def pod_labels(o):
    if o["kind"] == "CronJob":
        return o["spec"]["jobTemplate"]["spec"]["template"]["metadata"].get("labels", {})
    return o["spec"]["template"]["metadata"].get("labels", {})
def has_resources(c):
    r = c.get("resources", {})
    return all(k in r.get(w, {}) for w in ("requests", "limits") for k in ("cpu", "memory"))
def expand_flagfiles(text, folder):
    # --flagfile /etc/carestat/NAME reads deploy/<folder>/config/NAME: its flags join the
    # command line where it stands (as the servers read it), "--name=value" as "--name value".
    def flags(m):
        path = os.path.join(deploy, folder, "config", os.path.basename(m.group(1)))
        if not os.path.isfile(path):
            bad(f"{folder}: --flagfile {m.group(1)} has no {os.path.relpath(path, deploy)}")
            return m.group(0)
        with open(path) as f:
            lines = [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]
        for l in lines:
            if not re.fullmatch(r"--[a-z][a-z0-9-]*(=.*)?", l):
                bad(f"{os.path.relpath(path, deploy)}: '{l}' is not --name=value")
        return " ".join(l.replace("=", " ", 1) for l in lines)
    return re.sub(r"--flagfile[ =](/etc/carestat/[A-Za-z0-9_.-]+)", flags, text)
def command_text(c):
    return expand_flagfiles(" ".join(c.get("command", []) + c.get("args", [])), "kubernetes")
def secret_mounts(spec, c):
    # mountPath -> Secret name, for Secrets that are not optional.
    secs = {v["name"]: v["secret"]["secretName"] for v in spec.get("volumes", [])
            if "secret" in v and not v["secret"].get("optional")}
    return {m["mountPath"].rstrip("/"): secs[m["name"]] for m in c.get("volumeMounts", []) if m["name"] in secs}
def secure(spec, c):
    sc = c.get("securityContext", {})
    return (spec.get("securityContext", {}).get("runAsNonRoot") is True
            and sc.get("allowPrivilegeEscalation") is False
            and "ALL" in sc.get("capabilities", {}).get("drop", []))

# StatefulSets: one per service, volumes, resources, gRPC probes, headless Service.
services = {name(o): o for _, o in of_kind("Service")}
sts = {name(o): o for _, o in of_kind("StatefulSet")}
ports = {"carestat-ingestion": 7401, "carestat-metrics": 7402, "carestat-reporting": 7403}
replicas = set()
for n, port in ports.items():
    o = sts.get(n)
    if o is None:
        bad(f"no StatefulSet {n}")
        continue
    spec = o["spec"]
    replicas.add(spec.get("replicas", 1))
    check(spec.get("volumeClaimTemplates"), f"StatefulSet {n}: volumeClaimTemplates",
          f"StatefulSet {n}: no volumeClaimTemplates (a volume per service)")
    vct = {v["metadata"]["name"] for v in spec.get("volumeClaimTemplates", [])}
    ps = pod_spec(o)
    for c in ps.get("initContainers", []) + ps["containers"]:
        check(has_resources(c), f"StatefulSet {n}/{c['name']}: cpu and memory requests and limits",
              f"StatefulSet {n}/{c['name']}: needs cpu and memory in resources.requests and resources.limits")
        check(secure(ps, c), f"StatefulSet {n}/{c['name']}: non-root, no privilege escalation, no capabilities",
              f"StatefulSet {n}/{c['name']}: needs runAsNonRoot, allowPrivilegeEscalation: false, capabilities drop ALL")
    c = ps["containers"][0]
    text = command_text(c)
    tls = "--tls-cert" in text
    # Readiness is the kubelet's gRPC probe, so that NOT_SERVING (a dependency down, a
    # full disk) takes the pod out of its Service. The kubelet's gRPC probe is plaintext
    # only: a TLS server answers it on its --health-listen port (health alone).
    m = re.search(r"--health-listen\s+0\.0\.0\.0:(\d+)", text)
    health = int(m.group(1)) if m else None
    ready = c.get("readinessProbe", {}).get("grpc", {}).get("port")
    check(ready is not None and (ready == health or (ready == port and not tls)),
          f"StatefulSet {n}: readinessProbe is grpc: on {ready} ({'--health-listen' if ready == health else 'the service port'})",
          f"StatefulSet {n}: readinessProbe must be a grpc: probe on its --health-listen port"
          + (" (a grpc: probe cannot speak TLS)" if tls else " (or the service port of a plaintext server)"))
    live = c.get("livenessProbe", {})
    check(live.get("tcpSocket", {}).get("port") in (port, health) or live.get("grpc", {}).get("port") in (port, health),
          f"StatefulSet {n}: livenessProbe on its port",
          f"StatefulSet {n}: livenessProbe must probe {port} or its --health-listen port")
    # A server on 0.0.0.0 must serve TLS and require tokens (it refuses to start
    # otherwise), from Secrets that the pod mounts, with its audit log on the data volume.
    if "0.0.0.0" in text:
        need = ("--tls-cert", "--tls-key", "--tokens", "--audit-log")
        miss = [f for f in need if f not in text]
        check(not miss, f"StatefulSet {n}: 0.0.0.0 with --tls-cert, --tls-key, --tokens, --audit-log",
              f"StatefulSet {n}: listens on 0.0.0.0 without {miss}")
        m = re.search(r"--audit-log[\s=]+(\S+)", text)
        data_paths = [mm["mountPath"] for mm in c.get("volumeMounts", []) if mm["name"] in vct]
        check(m and any(m.group(1).startswith(d.rstrip("/") + "/") for d in data_paths),
              f"StatefulSet {n}: audit log on the data volume", f"StatefulSet {n}: --audit-log must be on the data volume {data_paths}")
        secrets_mounted = secret_mounts(ps, c)
        for flag in ("--tls-cert", "--tls-key", "--tokens", "--tls-ca", "--token-file"):
            for f in re.findall(re.escape(flag) + r"[\s=]+(\S+)", text):
                check(any(f.startswith(mp + "/") for mp in secrets_mounted),
                      f"StatefulSet {n}: {flag} {f} comes from a mounted Secret",
                      f"StatefulSet {n}: {flag} {f} is not under a mounted Secret ({sorted(secrets_mounted)})")
    up = {"carestat-metrics": "--ingestion", "carestat-reporting": "--metrics"}.get(n)
    if up:
        check(up in text and "--tls-ca" in text and "--token-file" in text,
              f"StatefulSet {n}: {up} with --tls-ca and --token-file",
              f"StatefulSet {n}: its {up} channel needs --tls-ca and --token-file")
    mounts = {m["name"] for m in c.get("volumeMounts", [])}
    check(vct & mounts, f"StatefulSet {n}: the claim is mounted", f"StatefulSet {n}: no volumeClaimTemplate mounted")
    svc = services.get(spec.get("serviceName"))
    check(svc is not None and svc["spec"].get("clusterIP") == "None"
          and any(p.get("port") == port for p in svc["spec"].get("ports", [])),
          f"StatefulSet {n}: headless Service {spec.get('serviceName')} on {port}",
          f"StatefulSet {n}: serviceName must name a headless Service exposing {port}")
check(len(replicas) == 1, f"the three StatefulSets have the same replicas (shards): {replicas}",
      f"the StatefulSets' replicas differ ({replicas}): shard k is pod k of each")
shards = min(replicas) if replicas else 0

# The HMAC key comes from a Secret, by reference, into ingestion.
ing = sts.get("carestat-ingestion")
if ing:
    vols = pod_spec(ing).get("volumes", [])
    check(any(v.get("secret", {}).get("secretName") == "carestat-hmac" for v in vols),
          "ingestion mounts Secret carestat-hmac", "ingestion must mount Secret carestat-hmac (the HMAC key)")

# CronJob: schedule, no overlap, one index per shard.
cj = of_kind("CronJob")
check(len(cj) == 1, "one CronJob for the pipeline", f"expected one CronJob, found {len(cj)}")
for _, o in cj:
    n, spec = name(o), o["spec"]
    check(len(str(spec.get("schedule", "")).split()) == 5, f"CronJob {n}: schedule {spec.get('schedule')!r}",
          f"CronJob {n}: needs a five-field schedule")
    check(spec.get("concurrencyPolicy") == "Forbid", f"CronJob {n}: concurrencyPolicy Forbid",
          f"CronJob {n}: concurrencyPolicy must be Forbid")
    job = spec["jobTemplate"]["spec"]
    check(job.get("completionMode") == "Indexed" and job.get("completions") == shards
          and 1 <= job.get("parallelism", 1) <= shards,
          f"CronJob {n}: Indexed, {shards} completions (one per shard)",
          f"CronJob {n}: needs completionMode Indexed and completions = shards ({shards})")
    ps = pod_spec(o)
    for c in ps["containers"]:
        check(has_resources(c), f"CronJob {n}/{c['name']}: cpu and memory requests and limits",
              f"CronJob {n}/{c['name']}: needs cpu and memory requests and limits")
        check(secure(ps, c), f"CronJob {n}/{c['name']}: non-root, no privilege escalation",
              f"CronJob {n}/{c['name']}: needs runAsNonRoot, allowPrivilegeEscalation: false, drop ALL")
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        check(env.get("SHARDS") == str(shards), f"CronJob {n}: SHARDS={shards}",
              f"CronJob {n}: env SHARDS ({env.get('SHARDS')}) must equal the shards ({shards})")
        text = " ".join(c.get("command", []) + c.get("args", []))
        check("carestat pipeline" in text and "--inbox" in text and "--out" in text,
              f"CronJob {n}: runs carestat pipeline", f"CronJob {n}: does not run carestat pipeline")
        mounted = secret_mounts(ps, c)
        flags = {fl: re.findall(re.escape(fl) + r"[\s=]+(\S+)", text) for fl in ("--tls-ca", "--token-file")}
        check(all(flags[fl] and all(any(f.startswith(mp + "/") for mp in mounted) for f in flags[fl]) for fl in flags),
              f"CronJob {n}: --tls-ca and --token-file from mounted Secrets",
              f"CronJob {n}: the pipeline needs --tls-ca and --token-file under a mounted Secret ({flags}, {sorted(mounted)})")

# The LA -> shard map fits the shard count.
mp = os.path.join(deploy, k8s_dir, "shards", "la-shards.txt")
if os.path.isfile(mp):
    las, problems = {}, []
    for i, line in enumerate(open(mp), 1):
        f = line.split("#", 1)[0].split()
        if not f:
            continue
        if len(f) != 2 or not re.fullmatch(r"\d{3}", f[0]) or not f[1].isdigit() or int(f[1]) >= shards or f[0] in las:
            problems.append(f"line {i}: {line.strip()}")
        las[f[0]] = f[1]
    check(las and not problems, f"la-shards.txt: {len(las)} LAs on {shards} shards",
          f"la-shards.txt: bad lines for {shards} shards: {problems}")
else:
    bad("kubernetes/shards/la-shards.txt is missing")

# NetworkPolicies: every carestat pod is selected, and only the agreed peers connect.
nps = of_kind("NetworkPolicy")
selected = set()
peers = {}
for _, o in nps:
    n, spec = name(o), o["spec"]
    sel = spec.get("podSelector")
    check(isinstance(sel, dict), f"NetworkPolicy {n}: podSelector", f"NetworkPolicy {n}: no podSelector")
    check("Ingress" in spec.get("policyTypes", []) and isinstance(spec.get("ingress"), list),
          f"NetworkPolicy {n}: ingress rules ({len(spec.get('ingress') or [])})",
          f"NetworkPolicy {n}: needs policyTypes Ingress and an ingress list (empty = nobody)")
    target = (sel or {}).get("matchLabels", {}).get("app.kubernetes.io/name")
    selected.add(target)
    froms = set()
    for rule in spec.get("ingress") or []:
        if not rule.get("from"):
            bad(f"NetworkPolicy {n}: an ingress rule without 'from' admits every pod")
        for p in rule.get("from", []):
            if "ipBlock" in p or "namespaceSelector" in p:
                froms.add("outside the namespace")
            ml = p.get("podSelector", {}).get("matchLabels", {})
            froms.add(ml.get("app.kubernetes.io/name") or ",".join(f"{k}={v}" for k, v in ml.items()) or "any pod")
    peers[target] = froms
want = {
    "carestat-ingestion": {"carestat-metrics", "carestat-pipeline"},
    "carestat-metrics": {"carestat-reporting", "carestat-pipeline", "carestat.io/case-client=true"},
}
for tgt, allowed in want.items():
    check(peers.get(tgt) == allowed, f"only {sorted(allowed)} reach {tgt}",
          f"{tgt} is reachable from {sorted(peers.get(tgt, set()))}, want exactly {sorted(allowed)}")
rep = peers.get("carestat-reporting", set())
check("carestat-pipeline" in rep and not rep & {"carestat-ingestion", "carestat-metrics", "any pod", "outside the namespace"},
      f"reporting is reached by the pipeline (and {sorted(rep - {'carestat-pipeline'})})",
      f"reporting's ingress is {sorted(rep)}: want the pipeline and labelled clients only")
# The children behind a figure: only metrics admits case clients, and no pod of ours is one.
check(all("carestat.io/case-client=true" not in peers.get(t, set()) for t in ("carestat-ingestion", "carestat-reporting")),
      "case clients reach metrics only", "a case client may reach ingestion or reporting")
case_pods = [name(o) for _, o in of_kind("StatefulSet") + cj if pod_labels(o).get("carestat.io/case-client")]
check(not case_pods, "no workload is a case client by default", f"workloads labelled case-client: {case_pods}")
workloads = [pod_labels(o).get("app.kubernetes.io/name") for _, o in of_kind("StatefulSet") + cj]
check(all(w in selected for w in workloads), "every carestat pod is selected by a NetworkPolicy",
      f"pods not selected by any NetworkPolicy: {[w for w in workloads if w not in selected]}")

# Secrets: none applied; any Secret in deploy/ holds placeholders only.
check(not of_kind("Secret"), "no Secret is applied by kustomization.yaml (created from files instead)",
      "kustomization.yaml applies a Secret: Secrets must be created from files outside the repository")
for rel, ds in docs.items():
    for d in ds:
        if isinstance(d, dict) and d.get("kind") == "Secret":
            vals = dict(d.get("stringData", {}))
            check(not d.get("data") and vals and all("PLACEHOLDER" in str(v) for v in vals.values()),
                  f"{rel}: Secret {name(d)} holds placeholders only",
                  f"{rel}: Secret {name(d)} must hold PLACEHOLDER stringData only, never data")

# The shell embedded in the manifests, run for real against stubs in a scratch folder.
import shutil, subprocess, tempfile
def sh(script, env=None, path_dir=None):
    e = dict(os.environ, **(env or {}))
    if path_dir:
        e["PATH"] = path_dir + os.pathsep + e["PATH"]
    return subprocess.run(["sh", "-c", script], env=e, capture_output=True, text=True)
def stub(dirname, exe):
    p = os.path.join(dirname, exe)
    with open(p, "w") as f:
        f.write('#!/bin/sh\necho "$(basename "$0") $*"\n')
    os.chmod(p, 0o755)
with tempfile.TemporaryDirectory() as t:
    bindir = os.path.join(t, "bin"); os.mkdir(bindir)
    for exe in ("carestat", "carestat-metrics", "carestat-reporting"):
        stub(bindir, exe)
    # metrics and reporting dial their own shard's upstream, from the pod's name.
    for n, up in (("carestat-metrics", "carestat-ingestion-3.carestat-ingestion:7401"),
                  ("carestat-reporting", "carestat-metrics-3.carestat-metrics:7402")):
        if n not in sts:
            continue
        c = pod_spec(sts[n])["containers"][0]
        r = sh(c["args"][0], {"POD_NAME": n + "-3"}, bindir)
        check(r.returncode == 0 and up in r.stdout, f"{n}-3 dials {up}",
              f"{n}-3 should dial {up}; ran: {r.stdout.strip()} {r.stderr.strip()}")
    # ingestion's init container: provisions, accepts the same key, refuses others.
    if ing and pod_spec(ing).get("initContainers"):
        script = pod_spec(ing)["initContainers"][0]["args"][0]
        sec, data = os.path.join(t, "sec"), os.path.join(t, "data")
        os.mkdir(sec); os.mkdir(data)
        script = script.replace("/run/secrets/carestat-hmac", sec).replace("/var/lib/carestat/ingestion", data)
        key = os.path.join(sec, "hmac.key")
        open(key, "wb").write(b"PLACEHOLDER")
        short = sh(script).returncode
        open(key, "wb").write(os.urandom(32))
        first = sh(script).returncode
        mode = os.stat(os.path.join(data, "data", "hmac.key")).st_mode & 0o777 if first == 0 else None
        dmode = os.stat(os.path.join(data, "data")).st_mode & 0o777 if first == 0 else None
        same = sh(script).returncode
        open(key, "wb").write(os.urandom(32))
        other = sh(script).returncode
        check((short, first, mode, dmode, same) == (1, 0, 0o600, 0o700, 0) and other != 0,
              "hmac-key init container: makes the 0700 data folder, copies a 32-byte key into it as 0600, refuses a short or a different key",
              f"hmac-key init container: exit codes short={short} first={first} (key mode {mode and oct(mode)}, folder {dmode and oct(dmode)}) same={same} other={other}")
        # a volume from before the data folder: its store and key are moved into it once.
        old = os.path.join(t, "oldvol")
        os.makedirs(os.path.join(old, "store"))
        open(os.path.join(old, "store", "CURRENT"), "w").write("MANIFEST-000001\n")
        shutil.copy(key, os.path.join(old, "hmac.key"))
        os.chmod(os.path.join(old, "hmac.key"), 0o600)
        migrate = pod_spec(ing)["initContainers"][0]["args"][0].replace(
            "/run/secrets/carestat-hmac", sec).replace("/var/lib/carestat/ingestion", old)
        mig = sh(migrate).returncode
        moved_store = os.path.isfile(os.path.join(old, "data", "store", "CURRENT"))
        moved_key = os.path.isfile(os.path.join(old, "data", "hmac.key"))
        left = os.path.exists(os.path.join(old, "store")) or os.path.exists(os.path.join(old, "hmac.key"))
        check(mig == 0 and moved_store and moved_key and not left,
              "hmac-key init container: moves an older volume's store and key into the data folder",
              f"hmac-key init container on an older volume: exit {mig}, store moved {moved_store}, key moved {moved_key}, left behind {left}")
    # the CronJob's pod k routes shard k's LAs and runs the pipeline against shard k.
    router = os.path.join(deploy, k8s_dir, "route-inbox.sh")
    for _, o in cj:
        c = pod_spec(o)["containers"][0]
        root = os.path.join(t, "cj")
        os.makedirs(os.path.join(root, "inbox", "incoming", "301", "2016"))
        open(os.path.join(root, "inbox", "incoming", "301", "2016", "a.csv"), "w").write("x\n")
        shutil.copy(router, os.path.join(t, "route-inbox.sh"))
        with open(os.path.join(t, "map"), "w") as f:
            f.write("301 1\n")
        script = (c["args"][0].replace("/etc/carestat/scripts/route-inbox.sh", os.path.join(t, "route-inbox.sh"))
                  .replace("/etc/carestat/shards/la-shards.txt", os.path.join(t, "map"))
                  .replace("/var/lib/carestat", root))
        env = {e["name"]: e.get("value", "") for e in c.get("env", [])}
        env["JOB_COMPLETION_INDEX"] = "1"
        r = sh(script, env, bindir)
        moved = os.path.isfile(os.path.join(root, "inbox", "shard-1", "301", "2016", "a.csv"))
        want = ("carestat pipeline --inbox " + os.path.join(root, "inbox", "shard-1") +
                " --ingestion carestat-ingestion-1.carestat-ingestion:7401"
                " --metrics carestat-metrics-1.carestat-metrics:7402"
                " --reporting carestat-reporting-1.carestat-reporting:7403 --out " + os.path.join(root, "out", "shard-1"))
        check(r.returncode == 0 and moved and want in r.stdout,
              "CronJob pod 1 routes shard 1's LAs and runs carestat pipeline against shard 1",
              f"CronJob pod 1: exit {r.returncode}, moved={moved}, ran: {r.stdout.strip()} {r.stderr.strip()}")

# Compose: three services with named volumes and health checks, the one-shot pipeline.
comp = docs.get(os.path.join("compose", "compose.yaml"), [None])[0]
if not isinstance(comp, dict):
    bad("compose/compose.yaml is missing")
else:
    svcs, vols = comp.get("services", {}), comp.get("volumes", {}) or {}
    for s in ("ingestion", "metrics", "reporting"):
        c = svcs.get(s, {})
        named = [v.split(":")[0] for v in c.get("volumes", []) if isinstance(v, str)]
        check(any(v in vols for v in named), f"compose {s}: named volume {named}",
              f"compose {s}: needs a named volume declared under volumes:")
        check(c.get("healthcheck", {}).get("test"), f"compose {s}: healthcheck",
              f"compose {s}: needs a healthcheck")
    # Every server that listens on 0.0.0.0 serves TLS, requires tokens and audits.
    for s, c in svcs.items():
        cmd = c.get("command", [])
        text = expand_flagfiles(cmd if isinstance(cmd, str) else " ".join(cmd), "compose")
        if "0.0.0.0" not in text:
            continue
        miss = [f for f in ("--tls-cert", "--tls-key", "--tokens", "--audit-log") if f not in text]
        check(not miss, f"compose {s}: 0.0.0.0 with --tls-cert, --tls-key, --tokens, --audit-log",
              f"compose {s}: listens on 0.0.0.0 without {miss}")
    for s, up in (("metrics", "--ingestion"), ("reporting", "--metrics"), ("pipeline", "--reporting")):
        text = expand_flagfiles(" ".join(svcs.get(s, {}).get("command", [])), "compose")
        check(up in text and "--tls-ca" in text and "--token-file" in text,
              f"compose {s}: its client channels use --tls-ca and --token-file",
              f"compose {s}: needs --tls-ca and --token-file for {up}")
    for s in ("ingestion", "metrics", "reporting", "pipeline"):
        binds = [v for v in svcs.get(s, {}).get("volumes", []) if isinstance(v, dict) and v.get("type") == "bind"
                 and v.get("target") == "/run/secrets/carestat"]
        check(binds and all(b.get("read_only") for b in binds), f"compose {s}: secrets bind-mounted read-only",
              f"compose {s}: needs the secrets folder bind-mounted read-only at /run/secrets/carestat")
    # The case client: opt-in profile, metrics' network only, nothing published, its own token.
    cs = svcs.get("case", {})
    env = cs.get("environment", {}) or {}
    check(cs.get("profiles") == ["case"] and cs.get("networks") == ["aggregates"] and not cs.get("ports")
          and str(env.get("CARESTAT_TOKEN_FILE", "")).endswith("caseworker.token"),
          "compose case: opt-in profile on the aggregates network only, no port, its own token",
          "compose case: needs profiles [case], networks [aggregates] only, no ports and CARESTAT_TOKEN_FILE caseworker.token")
    check(all("records" not in (c.get("networks") or []) for s, c in svcs.items() if s in ("reporting", "case")),
          "compose: neither reporting nor the case client reaches ingestion's network",
          "compose: reporting or the case client is on the records network")
    p = svcs.get("pipeline", {})
    binds = [v for v in p.get("volumes", []) if isinstance(v, dict) and v.get("type") == "bind"]
    check(str(p.get("restart", "")) == "no" and any(b.get("target") == "/var/lib/carestat/inbox" for b in binds),
          "compose pipeline: one-shot with the inbox bind-mounted",
          "compose pipeline: needs restart 'no' and a bind mount at /var/lib/carestat/inbox")
    text = " ".join(p.get("command", []))
    check(text.startswith("carestat pipeline"), "compose pipeline: runs carestat pipeline",
          "compose pipeline: must run carestat pipeline")

print(f"PYRESULT {passed} {failed}")
sys.exit(1 if failed else 0)
PY
  grep -v '^PYRESULT' "$work/py.log"
  if res=$(grep '^PYRESULT' "$work/py.log"); then
    read -r _ p f <<< "$res"
    passed=$((passed + p)) failed=$((failed + f))
  else
    fail "the manifest checks stopped early (see above)"
  fi
fi

# ---- render with kustomize when kubectl is here -------------------------------------
if command -v kubectl >/dev/null; then
  if kubectl kustomize "$deploy/kubernetes" > "$work/rendered.yaml" 2> "$work/kustomize.err"; then
    if grep -Eq 'name: carestat-shards-[a-z0-9]+' "$work/rendered.yaml"; then
      pass "kubectl kustomize renders deploy/kubernetes ($(grep -c '^kind:' "$work/rendered.yaml") objects)"
    else
      fail "kubectl kustomize: the shard map ConfigMap was not generated"
    fi
  else
    fail "kubectl kustomize: $(cat "$work/kustomize.err")"
  fi
  skip "Kubernetes schema validation against an API server (kubectl apply --dry-run needs a cluster)"
else
  skip "kustomize rendering and schema validation: kubectl is not installed"
fi
if command -v docker >/dev/null && docker compose version >/dev/null 2>&1; then
  if (cd "$deploy/compose" && docker compose -f compose.yaml config -q) 2> "$work/compose.err"; then
    pass "docker compose config accepts compose.yaml"
  else
    fail "docker compose config: $(cat "$work/compose.err")"
  fi
elif command -v docker-compose >/dev/null; then
  # Compose v1 (Debian's docker-compose) knows every key used here but the top-level
  # name:, which Compose v2 added: validate the file without that line.
  sed '/^name:/d' "$deploy/compose/compose.yaml" > "$work/compose.yaml"
  if (cd "$work" && docker-compose -f compose.yaml config -q) 2> "$work/compose.err"; then
    pass "docker-compose (v1) config accepts compose.yaml (less its v2-only name:)"
  else
    fail "docker-compose config: $(cat "$work/compose.err")"
  fi
else
  skip "compose schema validation: neither the docker compose plugin nor docker-compose is installed"
fi

echo "deploy_test: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
