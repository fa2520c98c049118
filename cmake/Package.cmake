# The Debian package (scripts/package): install() rules and CPack's DEB generator.
#   cmake --build build --target package   (or: cd build && cpack -G DEB)
#   -> build/carestat_<version>_amd64.deb
# Binaries go to /usr/bin; the systemd units of deploy/systemd to /lib/systemd/system
# with /usr/local/ read as /usr/, and a drop-in per unit (deploy/debian/dropin) that runs
# it as the system user carestat; the flag files the units read with --flagfile
# (deploy/config/carestat-<unit>.flags, the same as a hand install) in /etc/carestat; the
# maintainer scripts (deploy/debian) make the user, /var/lib/carestat (0700) and the
# stores (carestat init), and start carestat.target.
include(GNUInstallDirs)
set(CARESTAT_PACKAGE_CONTACT "carestat maintainers <carestat@example.org>" CACHE STRING
  "The Maintainer of the Debian package (the council's or supplier's packaging contact)")

install(TARGETS carestat-ingestion carestat-metrics carestat-reporting carestat RUNTIME DESTINATION bin)

set(CARESTAT_UNITS carestat-ingestion.service carestat-metrics.service carestat-reporting.service
  carestat-pipeline.service carestat-pipeline.timer carestat-backup.service carestat-backup.timer carestat.target)
foreach(unit ${CARESTAT_UNITS})
  file(READ ${PROJECT_SOURCE_DIR}/deploy/systemd/${unit} text)
  string(REPLACE "/usr/local/" "/usr/" text "${text}")
  file(WRITE ${PROJECT_BINARY_DIR}/package/systemd/${unit} "${text}")
  install(FILES ${PROJECT_BINARY_DIR}/package/systemd/${unit} DESTINATION /lib/systemd/system)
endforeach()
foreach(unit ingestion metrics reporting pipeline)
  install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/dropin/carestat-${unit}.conf
    DESTINATION /lib/systemd/system/carestat-${unit}.service.d RENAME package.conf)
  install(FILES ${PROJECT_SOURCE_DIR}/deploy/config/carestat-${unit}.flags DESTINATION /etc/carestat)
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/lintian-overrides DESTINATION share/lintian/overrides RENAME carestat)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/carestat)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/README.md DESTINATION share/doc/carestat/deploy)

# Debian wants a copyright file and a compressed changelog in the doc folder.
file(WRITE ${PROJECT_BINARY_DIR}/package/copyright
  "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
  "Upstream-Name: carestat\n\n"
  "Files: *\nCopyright: 2026 The carestat authors\nLicense: proprietary\n"
  " Copyright 2026 The carestat authors. All rights reserved; see the source\n repository.\n")
install(FILES ${PROJECT_BINARY_DIR}/package/copyright DESTINATION share/doc/carestat)
file(WRITE ${PROJECT_BINARY_DIR}/package/changelog
  "carestat (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
  "  * Package built from the carestat repository (see its git history).\n\n"
  " -- ${CARESTAT_PACKAGE_CONTACT}  Sat, 05 Dec 2026 00:00:00 +0000\n")
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/package/changelog.gz
  COMMAND gzip -9 -n -c ${PROJECT_BINARY_DIR}/package/changelog > ${PROJECT_BINARY_DIR}/package/changelog.gz
  DEPENDS ${PROJECT_BINARY_DIR}/package/changelog)
add_custom_target(carestat_package_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/package/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/package/changelog.gz DESTINATION share/doc/carestat)

# Every file under /etc is the administrator's once installed (dpkg asks before replacing it).
file(WRITE ${PROJECT_BINARY_DIR}/package/conffiles
  "/etc/carestat/carestat-ingestion.flags\n/etc/carestat/carestat-metrics.flags\n"
  "/etc/carestat/carestat-reporting.flags\n/etc/carestat/carestat-pipeline.flags\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME carestat)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "children's social care returns into indicators and annual reports")
set(CPACK_PACKAGE_DESCRIPTION
  "carestat reads the exports of a council's children's social care system\n"
  "(DfE CIN census, SSDA903, Ofsted Annex A), pseudonymises children at once,\n"
  "computes the DfE indicators and writes the annual report and the Ofsted\n"
  "self-assessment. Three gRPC services (ingestion, metrics, reporting) run\n"
  "under systemd as the user carestat, with a nightly pipeline and backup;\n"
  "the carestat command drives them.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "${CARESTAT_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beyond the libraries dpkg-shlibdeps finds: the charts' font, the units' helpers
# (deb-systemd-helper), runuser and useradd (util-linux and passwd are essential).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-liberation, init-system-helpers (>= 1.54), systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "chromium")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
  ${PROJECT_SOURCE_DIR}/deploy/debian/postrm ${PROJECT_BINARY_DIR}/package/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
