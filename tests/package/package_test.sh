#!/usr/bin/env bash
# The Debian package (scripts/package): builds carestat_<version>_amd64.deb from BUILD
# with cpack into a scratch folder, then checks it with dpkg-deb (always): its name,
# control fields and computed dependencies, contents, units and drop-ins, the flag files
# (each read by its packaged binary), conffiles and maintainer scripts. With `install` (ctest package_install, configured
# with -DCARESTAT_TEST_PACKAGE_INSTALL=ON: about 4 minutes, a Debian mirror needed) it
# then installs the package into a fresh Debian 12 chroot made by debootstrap, as root,
# and checks what postinst made (the user, /var/lib/carestat 0700, the stores and the
# key 0600), that each server starts there on its flag file, and that a purge keeps
# the key; without root or debootstrap that part exits 77 (skipped), saying why.
#   tests/package/package_test.sh BUILD VERSION [install]     (ctest -L package)
set -uo pipefail
build=$(cd "${1:?usage: package_test.sh BUILD VERSION}" && pwd)
version=${2:?usage: package_test.sh BUILD VERSION}
install=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

command -v dpkg-deb >/dev/null || { echo "skipped: dpkg-deb is not installed"; exit 77; }
if [ "$install" = install ]; then
  [ "$(id -u)" -eq 0 ] || { echo "skipped: installing into a chroot needs root"; exit 77; }
  command -v debootstrap >/dev/null ||
    { echo "skipped: installing into a chroot needs debootstrap (apt-get install debootstrap)"; exit 77; }
fi
source "$(dirname "$0")/build_deb.sh"
if ! build_deb "$build" "$version" "$work"; then echo "package_test: $passed passed, 1 failed"; exit 1; fi
pass "cpack wrote $(basename "$deb")"

# ---- control ----
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = carestat ] && pass "Package: carestat" || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && pass "Version: $version" || fail "Version: $(field Version), want $version"
[ "$(field Architecture)" = amd64 ] && pass "Architecture: amd64" || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
missing=()
# dpkg-shlibdeps' libraries (the binaries link these) and the declared ones.
for d in libgrpc++1.51 libprotobuf32 libssl3 libexpat1 libc6 fonts-liberation init-system-helpers; do
  grep -q "\b$d\b" <<<"$depends" || missing+=("$d")
done
if [ ${#missing[@]} -eq 0 ]; then pass "Depends computed by dpkg-shlibdeps: $depends"
else fail "Depends lacks ${missing[*]}: $depends"; fi

# ---- contents ----
dpkg-deb -c "$deb" >"$work/contents"
want=(./usr/bin/carestat ./usr/bin/carestat-ingestion ./usr/bin/carestat-metrics ./usr/bin/carestat-reporting
      ./etc/carestat/carestat-ingestion.flags ./etc/carestat/carestat-metrics.flags
      ./etc/carestat/carestat-reporting.flags ./etc/carestat/carestat-pipeline.flags
      ./usr/share/doc/carestat/copyright ./usr/share/doc/carestat/changelog.gz ./usr/share/lintian/overrides/carestat)
for u in carestat-ingestion.service carestat-metrics.service carestat-reporting.service carestat-pipeline.service \
         carestat-pipeline.timer carestat-backup.service carestat-backup.timer carestat.target; do
  want+=("./lib/systemd/system/$u")
done
for s in ingestion metrics reporting pipeline; do want+=("./lib/systemd/system/carestat-$s.service.d/package.conf"); done
absent=()
for f in "${want[@]}"; do awk '{print $6}' "$work/contents" | grep -qxF "$f" || absent+=("$f"); done
if [ ${#absent[@]} -eq 0 ]; then pass "contents: the four binaries, ${#want[@]} files in all"
else fail "contents lack: ${absent[*]}"; fi
if awk '$6 ~ /^\.\/usr\/bin\/./ && $1 != "-rwxr-xr-x" {bad=1} END {exit bad}' "$work/contents"; then
  pass "binaries are 0755"
else fail "a binary is not 0755: $(grep ' ./usr/bin/' "$work/contents")"; fi

dpkg-deb -x "$deb" "$work/root"
unstripped=()
for b in "$work"/root/usr/bin/*; do readelf -S "$b" | grep -q '\.debug_info' && unstripped+=("$(basename "$b")"); done
if [ ${#unstripped[@]} -eq 0 ]; then pass "binaries are stripped"; else fail "not stripped: ${unstripped[*]}"; fi
if grep -rq /usr/local "$work/root/lib/systemd/system"; then
  fail "a packaged unit still names /usr/local: $(grep -rl /usr/local "$work/root/lib/systemd/system")"
else pass "packaged units name /usr, not /usr/local"; fi
# One configuration mechanism: each unit's own --flagfile (as deploy/systemd, Compose and
# Kubernetes run it); the drop-in changes the user only.
for s in ingestion metrics reporting pipeline; do
  d="$work/root/lib/systemd/system/carestat-$s.service.d/package.conf"
  u="$work/root/lib/systemd/system/carestat-$s.service"
  bin=/usr/bin/carestat-$s; [ $s = pipeline ] && bin="/usr/bin/carestat pipeline"
  if grep -qx 'User=carestat' "$d" && grep -qx 'DynamicUser=no' "$d" && ! grep -Eq '^(ExecStart|EnvironmentFile)=' "$d" \
     && grep -qx "ExecStart=$bin --flagfile /etc/carestat/carestat-$s.flags" "$u"; then
    pass "carestat-$s runs as carestat with --flagfile /etc/carestat/carestat-$s.flags"
  else fail "carestat-$s: the drop-in must set the user only and the unit run $bin --flagfile /etc/carestat/carestat-$s.flags"; fi
done
if grep -rqE '^(Environment|EnvironmentFile)=' "$work/root/lib/systemd/system"; then
  fail "a packaged unit or drop-in still takes settings from the environment: $(grep -rlE '^Environment' "$work/root/lib/systemd/system")"
else pass "no unit or drop-in takes flags from an EnvironmentFile"; fi
# Each installed flag file is read by its packaged binary: every flag known and well
# formed. A flag after the file then stops the binary at its next check, before it
# listens or opens anything (the servers: --log-format none; the pipeline: an --inbox
# that does not exist).
for s in ingestion metrics reporting pipeline; do
  f="$work/root/etc/carestat/carestat-$s.flags"
  if [ $s = pipeline ]; then
    out=$("$work/root/usr/bin/carestat" pipeline --flagfile "$f" --inbox "$work/no-inbox" 2>&1); rc=$?
    want="$work/no-inbox is not a folder"
  else
    out=$("$work/root/usr/bin/carestat-$s" --flagfile "$f" --log-format none 2>&1); rc=$?
    want="--log-format must be text or json"
  fi
  # The defaults of a one-machine install: loopback, and the servers' data in /var/lib/carestat.
  defaults=1
  grep -Eq -- '^--(listen|ingestion|metrics|reporting)=' "$f" || defaults=0
  if grep -E -- '^--(listen|ingestion|metrics|reporting)=' "$f" | grep -vq -- '=127\.0\.0\.1:'; then defaults=0; fi
  if [ $s != pipeline ] && ! grep -qx -- "--data=/var/lib/carestat/$s" "$f"; then defaults=0; fi
  if [ $rc = 2 ] && grep -qF -- "$want" <<<"$out" && ! grep -Eq 'unknown flag|is not a flag|needs a value|is required' <<<"$out" \
     && [ $defaults = 1 ]; then
    pass "/etc/carestat/carestat-$s.flags (loopback, /var/lib/carestat) is read by the packaged binary without a flag error"
  else fail "/etc/carestat/carestat-$s.flags (exit $rc): $out"; fi
done
if "$work/root/usr/bin/carestat" --version | grep -qx "carestat $version"; then pass "the packaged carestat says its version"
else fail "the packaged carestat --version: $("$work/root/usr/bin/carestat" --version 2>&1)"; fi

# ---- maintainer scripts ----
dpkg-deb -e "$deb" "$work/control"
for f in postinst prerm postrm; do
  if [ -x "$work/control/$f" ] && sh -n "$work/control/$f"; then pass "$f is an executable, valid sh script"
  else fail "$f is missing, not executable or not valid sh"; fi
done
p="$work/control/postinst"
if grep -q 'useradd --system' "$p" && grep -q 'install -d -m 0700 -o carestat -g carestat /var/lib/carestat$' "$p" \
   && grep -q 'runuser -u carestat -- /usr/bin/carestat init --ingestion-data /var/lib/carestat/ingestion' "$p" \
   && grep -q 'deb-systemd-helper enable carestat.target' "$p" && grep -q 'deb-systemd-invoke start carestat.target' "$p"; then
  pass "postinst makes the user carestat, /var/lib/carestat 0700, the stores (carestat init), and starts carestat.target"
else fail "postinst lacks the user, the data directory, carestat init or the start"; fi
if grep -q 'deb-systemd-invoke stop carestat.target' "$work/control/prerm"; then pass "prerm stops the services"
else fail "prerm does not stop carestat.target"; fi
if grep -q 'rm -rf /var/lib/carestat' "$work/control/postrm"; then fail "postrm deletes the stores and key"
else pass "postrm keeps /var/lib/carestat (the key cannot be made again)"; fi
if [ "$(sort "$work/control/conffiles")" = "$(printf '/etc/carestat/carestat-%s.flags\n' ingestion metrics pipeline reporting)" ]; then
  pass "conffiles: the four /etc/carestat flag files"
else fail "conffiles: $(cat "$work/control/conffiles" 2>/dev/null)"; fi

# ---- installed into a Debian chroot (package_install: root and debootstrap) ----
if [ "$install" != install ]; then
  echo "note: installing into a Debian chroot is ctest package_install (-DCARESTAT_TEST_PACKAGE_INSTALL=ON, root, debootstrap);"
  echo "note: under systemd in a virtual machine, package_systemd (-DCARESTAT_TEST_PACKAGE_SYSTEMD=ON, root, /dev/kvm, qemu)"
else
  root="$work/chroot"
  if ! debootstrap --variant=minbase bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1; then
    echo "skipped: debootstrap could not make a Debian 12 chroot (no mirror?): $(tail -1 "$work/debootstrap.log")"
    echo "package_test: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && exit 77
    exit 1
  fi
  mount -t proc proc "$root/proc"
  trap 'umount "$root/proc" 2>/dev/null; rm -rf "$work"' EXIT
  cp "$deb" "$root/tmp/"
  if chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/$(basename "$deb")" \
       >"$work/install.log" 2>&1; then
    pass "apt-get install in a Debian 12 chroot (dependencies resolved from the mirror)"
  else fail "apt-get install in the chroot:"; sed 's/^/    /' "$work/install.log"; fi
  chroot "$root" getent passwd carestat >/dev/null && pass "postinst made the user carestat" || fail "no user carestat"
  if [ "$(chroot "$root" stat -c '%a %U' /var/lib/carestat)" = "700 carestat" ] \
     && [ "$(chroot "$root" stat -c '%a %U' /var/lib/carestat/ingestion/hmac.key)" = "600 carestat" ] \
     && [ -f "$root/var/lib/carestat/ingestion/store/CURRENT" ] && [ -f "$root/var/lib/carestat/metrics/CURRENT" ]; then
    pass "/var/lib/carestat is 0700 carestat's, with the stores and the key (0600)"
  else fail "/var/lib/carestat: $(ls -laR "$root/var/lib/carestat" 2>&1 | head -20)"; fi
  # No systemd runs in a chroot: each server started as its unit would, on its flag file.
  for s in ingestion metrics reporting; do
    out=$(chroot "$root" timeout 3 runuser -u carestat -- /usr/bin/carestat-$s --flagfile /etc/carestat/carestat-$s.flags 2>&1)
    if grep -q "carestat-$s $version starting" <<<"$out" && grep -q "carestat-$s listening on 127.0.0.1:740" <<<"$out"; then
      pass "carestat-$s $version starts as carestat on /etc/carestat/carestat-$s.flags"
    else fail "carestat-$s did not start in the chroot: $out"; fi
  done
  key=$(sha256sum < "$root/var/lib/carestat/ingestion/hmac.key")
  chroot "$root" sh -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq carestat" >"$work/purge.log" 2>&1
  if [ ! -e "$root/usr/bin/carestat" ] && [ "$(sha256sum < "$root/var/lib/carestat/ingestion/hmac.key")" = "$key" ]; then
    pass "apt-get purge removes the package and keeps the stores and the key"
  else fail "purge: $(cat "$work/purge.log")"; fi
fi

echo "package_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
