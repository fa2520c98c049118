# Sourced by the package tests (package_test.sh, package_vm_test.sh): builds
# carestat_<version>_amd64.deb from the build folder with cpack into a scratch folder,
# as scripts/package does, and sets $deb to its path; prints the cpack log and returns 1
# when cpack fails or names the package otherwise.
#   build_deb BUILD VERSION WORK
build_deb() {
  local build=$1 version=$2 work=$3
  if ! (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1); then
    cat "$work/cpack.log"; echo "FAIL: cpack could not build the package"; return 1
  fi
  deb="$work/out/carestat_${version}_amd64.deb"
  if [ ! -f "$deb" ]; then
    echo "FAIL: no carestat_${version}_amd64.deb; cpack wrote: $(ls "$work/out")"; return 1
  fi
}
