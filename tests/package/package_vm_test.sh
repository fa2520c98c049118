#!/usr/bin/env bash
# The Debian package under real systemd, in a virtual machine (ctest package_systemd,
# configured with -DCARESTAT_TEST_PACKAGE_SYSTEMD=ON; root, /dev/kvm, debootstrap,
# qemu-system-x86 and a Debian mirror). A chroot (package_install) has no systemd, so
# there the units never run; here they do:
#  1. builds carestat_<version>_amd64.deb from BUILD with cpack (build_deb.sh);
#  2. makes a Debian 12 root file system with debootstrap (systemd, a kernel, curl),
#     cached as a tarball under BUILD/package-vm, and installs the package's dependencies
#     from the mirror in it (their .debs kept under BUILD/package-vm too), not the package;
#  3. puts the package, vm_guest_test.sh and a unit that runs it once the system is up
#     into the image (the unit is the test's, not the package's), makes an ext4 disk of
#     it (mkfs.ext4 -d) and boots it with qemu-system-x86_64, no network: with KVM, or
#     emulated (TCG) where /dev/kvm is a PVM host's, which cannot run Debian's kernel;
#  4. the guest installs the package with apt-get under systemd and checks the user, the
#     directories, the services, health, the metrics ports, a pipeline pass, a backup and
#     its restore, a rejected file, printing each result on the serial console, then
#     powers off;
#  5. this script reads the console log and passes or fails each check; then boots the
#     disk again, where the test checks that the services started by themselves.
# Exits 77 (skipped), saying why, without root, /dev/kvm, debootstrap, qemu or mke2fs.
#   tests/package/package_vm_test.sh BUILD VERSION       (ctest -R package_systemd)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: package_vm_test.sh BUILD VERSION}" && pwd)
version=${2:?usage: package_vm_test.sh BUILD VERSION}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the guest needs beyond minbase: systemd as init, udev for its devices, a kernel
# (and initramfs-tools, which it pulls in, for the virtio disk driver), curl for the
# metrics ports.
guest_packages=systemd-sysv,udev,linux-image-amd64,curl
cache=$build/package-vm
work=$(mktemp -d)
trap '[ -n "${CARESTAT_VM_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT

passed=0 failed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() { echo "package_vm_test: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
skip() { echo "skipped: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "booting the package in a virtual machine needs root (debootstrap, chroot, mkfs.ext4 -d keeping owners)"
[ -c /dev/kvm ] && [ -w /dev/kvm ] || skip "no usable /dev/kvm (KVM): the virtual machine would be too slow"
command -v debootstrap >/dev/null || skip "needs debootstrap (apt-get install debootstrap)"
command -v qemu-system-x86_64 >/dev/null || skip "needs qemu-system-x86_64 (apt-get install qemu-system-x86)"
command -v mkfs.ext4 >/dev/null || skip "needs mkfs.ext4 (apt-get install e2fsprogs)"
command -v dpkg-deb >/dev/null || skip "needs dpkg-deb"

# KVM runs the stock Debian kernel at full speed when /dev/kvm is a hardware KVM (kvm_intel
# or kvm_amd). A PVM host (kvm_pvm, nested virtualisation in some clouds' sandboxes)
# runs only kernels built as PVM guests: Debian's hangs in its decompressor there, so
# QEMU emulates the machine (TCG) instead, several times slower. CARESTAT_VM_ACCEL=kvm
# or tcg chooses.
accel=${CARESTAT_VM_ACCEL:-}
if [ -z "$accel" ]; then
  if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then accel=kvm
  else
    accel=tcg
    echo "note: /dev/kvm is not a hardware KVM ($(ls -d /sys/module/kvm_* 2>/dev/null | xargs -rn1 basename | tr '\n' ' ')loaded; a PVM host runs only PVM guest kernels): emulating the machine with TCG (slower)"
  fi
fi
case $accel in
  kvm) qemu_accel=(-accel kvm -cpu host) ;;
  tcg) qemu_accel=(-accel tcg,thread=multi -cpu max) ;;
  *) echo "FAIL: CARESTAT_VM_ACCEL must be kvm or tcg, not $accel"; exit 1 ;;
esac

start=$SECONDS
source "$here/build_deb.sh"
build_deb "$build" "$version" "$work" || { failed=1; finish; }
pass "cpack wrote $(basename "$deb")"

# ---- the Debian 12 root file system (debootstrap once, then from the cache) ----
# Two tarballs under BUILD/package-vm: Debian with the guest's packages (remade when
# guest_packages or the mirror change), and that with the package's dependencies
# installed (remade when its Depends change; only the newest is kept).
mkdir -p "$cache/apt-archives"
base=$cache/bookworm-$(echo "$guest_packages $mirror" | sha256sum | cut -c1-12).tar
depends=$(dpkg-deb -f "$deb" Depends)
withdeps=$cache/with-depends-$(echo "$base $depends" | sha256sum | cut -c1-12).tar
root=$work/root
mkdir "$root"
if [ -f "$withdeps" ]; then
  tar -C "$root" --numeric-owner -xpf "$withdeps"
  pass "Debian 12 with the package's dependencies, from $(basename "$withdeps") ($((SECONDS - start)) s so far)"
else
  if [ ! -f "$base" ]; then
    echo "note: debootstrap of Debian 12 with $guest_packages into $base (once; later runs reuse it)"
    if ! debootstrap --variant=minbase --include="$guest_packages" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
      echo "skipped: debootstrap could not make a Debian 12 system (no mirror?): $(tail -n 1 "$work/debootstrap.log")"
      exit 77
    fi
    rm -f "$root"/var/cache/apt/archives/*.deb
    tar -C "$root" --numeric-owner -cf "$base.partial" . && mv "$base.partial" "$base"
  else
    tar -C "$root" --numeric-owner -xpf "$base"
  fi
  pass "Debian 12 root file system ready ($(du -sh "$base" | cut -f1) tarball, $((SECONDS - start)) s so far)"
  # The package's dependencies from the mirror, installed in the image beforehand
  # (natively: an emulated guest unpacks them several times slower); the guest has no
  # network and installs the package itself. The fetched .debs are kept between runs.
  cp "$cache"/apt-archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null
  if chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get satisfy -y -qq '$depends'" \
       >"$work/depends.log" 2>&1; then
    pass "the package's dependencies installed from $mirror ($(ls "$root"/var/cache/apt/archives/*.deb 2>/dev/null | wc -l) packages): $depends"
    cp -n "$root"/var/cache/apt/archives/*.deb "$cache/apt-archives/" 2>/dev/null
    rm -f "$root"/var/cache/apt/archives/*.deb
    rm -f "$cache"/with-depends-*.tar
    tar -C "$root" --numeric-owner -cf "$withdeps.partial" . && mv "$withdeps.partial" "$withdeps"
  else
    fail "apt-get satisfy in the chroot:"; sed 's/^/    /' "$work/depends.log"; finish
  fi
fi
cp "$deb" "$root/root/"
if chroot "$root" getent passwd carestat >/dev/null || [ -e "$root/var/lib/carestat" ]; then
  fail "the image has the user carestat or /var/lib/carestat before the package is installed"; finish
fi

# ---- the test's own unit (not the package's), the kernel and the disk ----
install -m 0755 "$here/vm_guest_test.sh" "$root/usr/local/sbin/carestat-vm-test"
cat >"$root/etc/systemd/system/carestat-vm-test.service" <<EOF
# tests/package/package_vm_test.sh: runs the checks once the system is up, then powers off.
[Unit]
Description=carestat package test (tests/package/vm_guest_test.sh)
# Not ordered before multi-user.target (which wants it) but after it: once booted.
DefaultDependencies=no
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/carestat-vm-test $version
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=20min
ExecStopPost=/usr/bin/systemctl --no-block poweroff
EOF
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../carestat-vm-test.service "$root/etc/systemd/system/multi-user.target.wants/"
# apt's daily timers would take the dpkg lock from the test's apt-get at boot.
ln -sf /dev/null "$root/etc/systemd/system/apt-daily.timer"
ln -sf /dev/null "$root/etc/systemd/system/apt-daily-upgrade.timer"
echo carestat-vm >"$root/etc/hostname"
kernel=$(ls "$root"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
initrd=$(ls "$root"/boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] && [ -n "$initrd" ] || { fail "no kernel or initrd in the image: $(ls "$root/boot")"; finish; }
cp "$kernel" "$initrd" "$work/"
truncate -s 4G "$work/disk.img"
if ! mkfs.ext4 -q -L carestat-vm -d "$root" "$work/disk.img" >"$work/mkfs.log" 2>&1; then
  fail "mkfs.ext4 -d: $(cat "$work/mkfs.log")"; finish
fi
rm -rf "$root"
pass "disk image made ($((SECONDS - start)) s so far)"

# ---- boot, twice: the test, then whether the services start by themselves ----
boot() { # N: boots the disk, its console in console-N.txt; 1 when qemu failed
  local n=$1
  echo "note: boot $n of the image with qemu ($accel), at most $limit s"
  timeout "$limit" qemu-system-x86_64 "${qemu_accel[@]}" -smp 2 -m 2G -display none -no-reboot \
    -kernel "$work/$(basename "$kernel")" -initrd "$work/$(basename "$initrd")" \
    -append "root=/dev/vda rw console=ttyS0 panic=-1 quiet systemd.show_status=error" \
    -drive "file=$work/disk.img,format=raw,if=virtio" -nic none \
    -serial "file:$work/console-$n.log" -monitor none >"$work/qemu.log" 2>&1
  local rc=$?
  tr -d '\r' <"$work/console-$n.log" >"$work/console-$n.txt"
  [ "$rc" -eq 0 ] || fail "qemu exited $rc$([ "$rc" -eq 124 ] && echo " (timed out after $limit s)"): $(cat "$work/qemu.log")"
  if ! grep -q 'CARESTAT-VM begin' "$work/console-$n.txt"; then
    fail "boot $n: the guest never ran the test; the console's end:"; tail -n 40 "$work/console-$n.txt" | sed 's/^/    /'
    return 1
  fi
  [ $n = 1 ] && echo "note: $(grep -o 'CARESTAT-VM begin.*' "$work/console-$n.txt" | sed 's/CARESTAT-VM begin/guest: Linux/')"
  while IFS= read -r line; do
    case $line in
      "ok: "*) pass "${line#ok: }" ;;
      "FAIL: "*) fail "${line#FAIL: }" ;;
      "log: "*) echo "    ${line#log: }" ;;
    esac
  done < <(grep -o 'CARESTAT-VM .*' "$work/console-$n.txt" | sed 's/^CARESTAT-VM //')
  if ! grep -q 'CARESTAT-VM end' "$work/console-$n.txt"; then
    fail "boot $n: the guest's test did not finish; the console's end:"; tail -n 40 "$work/console-$n.txt" | sed 's/^/    /'
    return 1
  fi
}
booted=$SECONDS
limit=$([ $accel = kvm ] && echo 600 || echo 1500)
if boot 1 && grep -q 'CARESTAT-VM boot 1 done' "$work/console-1.txt" && boot 2 &&
   ! grep -q 'CARESTAT-VM boot 2' "$work/console-2.txt"; then
  fail "boot 2: the guest did not find what boot 1 left in /var/lib/carestat-vm-test"
fi
echo "note: the virtual machine ran $((SECONDS - booted)) s; $((SECONDS - start)) s in all"
[ "$failed" -eq 0 ] || { echo "the console log:"; cat "$work"/console-*.txt | tail -n 200 | sed 's/^/    /'; }
finish
