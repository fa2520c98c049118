#!/bin/sh
# Checks that the runtime image's package list covers every shared library the
# carestat binaries load, so that a new link dependency (say libxlsxwriter) fails the
# image build here instead of the first start in production.
#   runtime-deps.sh PACKAGE_LIST BINARY...
# Prints the Debian package of each library; exits 1 naming any package missing from
# PACKAGE_LIST (one name a line, # comments), 2 on bad usage. Run on the build stage,
# where dpkg knows every library the build linked against.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: runtime-deps.sh PACKAGE_LIST BINARY..." >&2
  exit 2
fi
list=$1
shift
# Always in the base image: the C and C++ runtimes.
base="libc6 libgcc-s1 libstdc++6"
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | tr -s ' \t' '\n')

pkg_of() {
  # dpkg records /lib/... or /usr/lib/... depending on the package (usrmerge).
  for p in "$1" "$(readlink -f "$1")" "/usr${1#/usr}" "${1#/usr}"; do
    out=$(dpkg -S "$p" 2>/dev/null | head -n 1) || continue
    [ -n "$out" ] && { echo "${out%%:*}"; return 0; }
  done
  return 1
}

missing=""
needed=""
for bin in "$@"; do
  if [ ! -x "$bin" ]; then
    echo "runtime-deps: $bin is not an executable" >&2
    exit 2
  fi
  if ldd "$bin" | grep -q 'not found'; then
    echo "runtime-deps: $bin has unresolved libraries:" >&2
    ldd "$bin" | grep 'not found' >&2
    exit 1
  fi
  for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do
    pkg=$(pkg_of "$lib") || { echo "runtime-deps: no Debian package owns $lib ($bin)" >&2; exit 1; }
    pkg=${pkg%%:*}
    needed="$needed $pkg"
  done
done
for pkg in $(echo "$needed" | tr ' ' '\n' | sed '/^$/d' | sort -u); do
  case " $base " in *" $pkg "*) echo "ok (base) $pkg"; continue ;; esac
  if echo "$wanted" | grep -qx "$pkg"; then
    echo "ok $pkg"
  else
    echo "MISSING $pkg"
    missing="$missing $pkg"
  fi
done
if [ -n "$missing" ]; then
  echo "runtime-deps: add to $list:$missing" >&2
  exit 1
fi
