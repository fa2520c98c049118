#!/bin/bash
# Runs inside the Debian 12 virtual machine of package_vm_test.sh (as root, from the
# unit carestat-vm-test.service, which the test adds to the image: it is not in the
# package), once the system is up. Installs the package under the running systemd, as
# an administrator would, and checks what it did: the user and /var/lib/carestat, the
# three services active on their /etc/carestat flag files, health, the Prometheus
# metrics ports, a pass of the packaged pipeline that moves the counters, the packaged
# nightly backup restored into new directories with identical figures, and a rejected
# file failing the pipeline unit with its report in the quarantine.
# Each result is one line on the serial console, "CARESTAT-VM ok: ..." or
# "CARESTAT-VM FAIL: ..." (diagnostics as "CARESTAT-VM log: ..."), then
# "CARESTAT-VM end"; the unit powers the machine off after it. Booted a second time,
# it checks that the enabled services started by themselves with the same figures.
#   vm_guest_test.sh VERSION
set -u
version=${1:?usage: vm_guest_test.sh VERSION}
deb=/root/carestat_${version}_amd64.deb
say() { echo "CARESTAT-VM $*"; }
pass() { say "ok: $*"; }
fail() { say "FAIL: $*"; }
# The last lines of a command's output, for the host's log of a failure.
show() { "$@" 2>&1 | tail -n "${SHOW_LINES:-30}" | sed 's/^/CARESTAT-VM log: /'; }
# The value of --NAME= in a flag file.
flag() { sed -n "s/^--$2=//p" "/etc/carestat/carestat-$1.flags" | tail -n 1; }
# The sum of a Prometheus counter's samples whose labels match a pattern (0 when none).
counter() { # URL NAME [LABEL-PATTERN]
  curl -fsS "$1" | awk -v name="$2" -v pat="${3:-}" '
    $1 ~ "^" name "({|$)" && index($1, pat) { sum += $NF } END { printf "%d\n", sum }'
}
trap 'say end' EXIT
say "begin $(uname -r) $(systemctl --version | head -n 1)"
marks=/var/lib/carestat-vm-test   # what boot 1 leaves for boot 2
figures() { # METRICS-TARGET LAS...: every indicator of each LA for 2015-16
  local target=$1; shift
  for la in "$@"; do carestat indicators --la "$la" --period 2015-16 --target "$target" || echo "exit $?"; done
}

# ---- the second boot: the enabled services start by themselves, with their data ----
if [ -e $marks/figures ]; then
  say "boot 2"
  for s in ingestion metrics reporting; do
    for _ in $(seq 90); do out=$(carestat health --target "$(flag $s listen)" 2>&1) && break; sleep 1; done
    if [ "$(systemctl is-active carestat-$s.service)" = active ] && [ "$out" = "SERVING carestat-$s $version" ]; then
      pass "after a reboot carestat-$s.service started by itself: $out"
    else fail "after a reboot carestat-$s.service is $(systemctl is-active carestat-$s.service): $out"
      show journalctl -b --no-pager -u carestat-$s.service; fi
  done
  after=$(figures "$(flag metrics listen)" $(cat $marks/las) 2>&1)
  if [ "$after" = "$(cat $marks/figures)" ]; then
    pass "after a reboot metrics serves the same figures ($(wc -l <<<"$after") lines of carestat indicators)"
  else fail "after a reboot the figures changed:"; show diff $marks/figures <(echo "$after"); fi
  failed_units=$(systemctl list-units --failed --plain --no-legend 'carestat*' | awk '{print $1}')
  [ -z "$failed_units" ] && pass "after a reboot no carestat unit has failed" ||
    fail "after a reboot these carestat units failed: $(echo $failed_units)"
  exit 0
fi

# ---- install under systemd (its dependencies are in the image already; no network) ----
if DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" >/root/install.log 2>&1; then
  pass "apt-get install $(basename "$deb") under systemd $(systemctl --version | awk 'NR == 1 {print $2}')"
else
  fail "apt-get install $(basename "$deb"):"; SHOW_LINES=60 show cat /root/install.log; exit 1
fi
getent passwd carestat >/dev/null && pass "postinst made the user carestat" || fail "no user carestat"
if [ "$(stat -c '%a %U %G' /var/lib/carestat)" = "700 carestat carestat" ]; then
  pass "/var/lib/carestat is 0700, carestat's"
else fail "/var/lib/carestat: $(stat -c '%a %U %G' /var/lib/carestat 2>&1)"; fi
[ "$(systemctl is-enabled carestat.target)" = enabled ] && pass "carestat.target is enabled (started at each boot)" ||
  fail "carestat.target is $(systemctl is-enabled carestat.target)"

# ---- the three services ----
for s in ingestion metrics reporting; do
  target=$(flag $s listen)
  # postinst started them; health says SERVING once each is up and its dependency too.
  for _ in $(seq 60); do out=$(carestat health --target "$target" 2>&1) && break; sleep 1; done
  state=$(systemctl is-active carestat-$s.service)
  pid=$(systemctl show -p MainPID --value carestat-$s.service)
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
  user=$(stat -c %U "/proc/$pid" 2>/dev/null)
  if [ "$state" = active ] && [ "$user" = carestat ] &&
     [ "$cmd" = "/usr/bin/carestat-$s --flagfile /etc/carestat/carestat-$s.flags " ]; then
    pass "carestat-$s.service is active under systemd, as carestat, on /etc/carestat/carestat-$s.flags"
  else
    fail "carestat-$s.service: $state, pid $pid as '$user': $cmd"
    show systemctl status --no-pager carestat-$s.service; show journalctl -b --no-pager -u carestat-$s.service
  fi
  if [ "$out" = "SERVING carestat-$s $version" ]; then pass "carestat health --target $target: $out"
  else fail "carestat health --target $target: $out"; fi
  m=$(flag $s metrics-listen)
  if [ -z "$m" ]; then fail "/etc/carestat/carestat-$s.flags sets no --metrics-listen"; continue; fi
  body=$(curl -fsS -D /root/headers-$s "http://$m/metrics" 2>&1)
  if grep -qi '^content-type: text/plain; version=0.0.4' /root/headers-$s && grep -q '^# TYPE grpc_server_handled_total counter' <<<"$body" &&
     grep -qx 'carestat_up 1' <<<"$body"; then
    pass "http://$m/metrics answers Prometheus' text format (carestat_up 1)"
  else fail "http://$m/metrics: $(head -c 300 <<<"$body")"; show cat /root/headers-$s; fi
done
for t in carestat-pipeline.timer carestat-backup.timer; do
  [ "$(systemctl is-active $t)" = active ] && pass "$t is active" || fail "$t is $(systemctl is-active $t)"
done

# ---- a pass of the packaged pipeline moves the counters ----
im="http://$(flag ingestion metrics-listen)/metrics"
mm="http://$(flag metrics metrics-listen)/metrics"
inbox=$(flag pipeline inbox) out=$(flag pipeline out)
stored0=$(counter "$im" carestat_uploads_total 'outcome="stored"')
records0=$(counter "$im" carestat_records_stored_total)
recomputes0=$(counter "$mm" carestat_recomputes_total 'outcome="ok"')
synth=$(carestat synth --las 2 --out /root/synth 2>&1) || fail "carestat synth: $synth"
files=$(cd /root/synth && find . -type f | sort)
# Dropped as deploy/README.md says: each file written as NAME.partial, renamed, then
# marked NAME.ready so that this pass takes it (unmarked, a file modified in the last
# 30 s waits for the next pass).
for f in $files; do
  install -D -m 0644 "/root/synth/$f" "$inbox/$f.partial" && mv "$inbox/$f.partial" "$inbox/$f" && touch "$inbox/$f.ready"
done
if systemctl start carestat-pipeline.service; then
  pass "systemctl start carestat-pipeline.service (exit 0) on the $(wc -w <<<"$files") files of carestat synth --las 2"
else
  fail "carestat-pipeline.service: $(systemctl show -p Result --value carestat-pipeline.service)"
  show journalctl -b --no-pager -u carestat-pipeline.service
fi
stored1=$(counter "$im" carestat_uploads_total 'outcome="stored"')
records1=$(counter "$im" carestat_records_stored_total)
recomputes1=$(counter "$mm" carestat_recomputes_total 'outcome="ok"')
if [ "$stored1" -gt "$stored0" ] && [ "$records1" -gt "$records0" ]; then
  pass "ingestion's counters moved: uploads stored $stored0 -> $stored1, records stored $records0 -> $records1"
else fail "ingestion's counters: uploads stored $stored0 -> $stored1, records stored $records0 -> $records1"; fi
if [ "$recomputes1" -gt "$recomputes0" ]; then pass "metrics' recomputes (ok) $recomputes0 -> $recomputes1"
else fail "metrics' recomputes (ok) $recomputes0 -> $recomputes1"; fi
las=$(cd /root/synth && ls)
reports=$(for la in $las; do ls "$out/$la"/*/ 2>/dev/null; done | wc -l)
[ "$reports" -gt 0 ] && pass "the pass wrote $reports files under $out for LAs $(echo $las)" ||
  fail "no reports under $out: $(ls -R "$out" 2>&1 | head -n 20)"

# ---- the packaged nightly backup, restored into new directories ----
before=$(figures "$(flag metrics listen)" $las 2>&1)
if systemctl start carestat-backup.service; then pass "systemctl start carestat-backup.service"
else
  fail "carestat-backup.service: $(systemctl show -p Result --value carestat-backup.service)"
  show journalctl -b --no-pager -u carestat-backup.service
fi
set=$(ls -d /var/backups/carestat/*/ 2>/dev/null | tail -n 1)
restored=/var/tmp/restored
for s in ingestion metrics; do
  if [ -n "$set" ] && r=$(carestat restore --from "$set$s" --data "$restored/$s" 2>&1); then
    pass "carestat restore --from $set$s into a new directory"
  else fail "carestat restore of $s from '$set': ${r:-no backup set}"; fi
done
if r=$(carestat verify --data "$restored/ingestion" 2>&1); then pass "carestat verify of the restored ingestion store: whole"
else fail "carestat verify --data $restored/ingestion: $r"; fi
# The restored stores served beside the live ones (ports chosen by the kernel): the
# figures metrics serves from its restored store, recomputing from restored ingestion.
port() { # SERVER LOG PID: the port it printed, or nothing once it exited or after 60 s
  for _ in $(seq 60); do
    p=$(sed -n "s/^$1 listening on 127.0.0.1://p" "$2"); [ -n "$p" ] && break
    kill -0 "$3" 2>/dev/null || break; sleep 1
  done; echo "$p"
}
carestat-ingestion --data "$restored/ingestion" --listen 127.0.0.1:0 --plaintext >/root/ri.log 2>&1 & ri=$!
ip=$(port carestat-ingestion /root/ri.log $ri)
carestat-metrics --data "$restored/metrics" --listen 127.0.0.1:0 --ingestion "127.0.0.1:$ip" --plaintext >/root/rm.log 2>&1 & rm=$!
mp=$(port carestat-metrics /root/rm.log $rm)
after=$(figures "127.0.0.1:$mp" $las 2>&1)
kill $ri $rm 2>/dev/null; wait
if [ -n "$ip" ] && [ -n "$mp" ] && [ "$before" = "$after" ] && [ "$(wc -l <<<"$before")" -gt "$(wc -w <<<"$las")" ] &&
   ! grep -q '^exit ' <<<"$before"; then
  pass "the restored stores give identical figures: $(wc -l <<<"$before") lines of carestat indicators for LAs $(echo $las)"
else
  fail "figures before the backup and from the restored stores differ (ingestion port '$ip', metrics port '$mp')"
  show diff <(echo "$before") <(echo "$after"); show cat /root/ri.log /root/rm.log
fi

# ---- a file the pipeline rejects: the unit fails on purpose, the report is kept ----
la=$(head -n 1 <<<"$las")
bad=$inbox/$la/2016/cin-census.xml
printf 'not a CIN census\n' >"$bad.partial" && mv "$bad.partial" "$bad" && touch "$bad.ready"
systemctl start carestat-pipeline.service
result=$(systemctl show -p Result --value carestat-pipeline.service)
code=$(systemctl show -p ExecMainStatus --value carestat-pipeline.service)
report=$(ls "$out"/quarantine/$la/2016/cin-census.xml*.report.txt 2>/dev/null | head -n 1)
if [ "$result" = exit-code ] && [ "$code" = 1 ] && [ -n "$report" ] && [ ! -e "$bad" ]; then
  pass "a rejected file leaves carestat-pipeline.service failed (exit 1), its report in ${report#$out/}"
else
  fail "a rejected file: the unit's result $result, exit $code, report '${report}'; in the inbox: $(ls "$inbox/$la/2016")"
  show find "$out" -name '*.report.txt'; show journalctl -b --no-pager -n 20 -u carestat-pipeline.service
fi
systemctl reset-failed carestat-pipeline.service

# For the second boot (package_vm_test.sh boots the disk again).
mkdir -p $marks && echo $las >$marks/las && echo "$before" >$marks/figures && say "boot 1 done"
