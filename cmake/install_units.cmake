# Installs the systemd units, the timer and the cron example with the paths of the prefix they
# are installed under (CMAKE_INSTALL_PREFIX at install time: cpack sets /usr). Called from
# install(CODE) with TALKSEARCH_SOURCE_DIR and TALKSEARCH_BINDIR_REL (bin).
# /usr keeps its configuration in /etc and its state in /var, as GNUInstallDirs has it.
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(TALKSEARCH_CONFDIR "/etc/talksearch")
  set(TALKSEARCH_STATEDIR "/var/lib/talksearch")
else()
  set(TALKSEARCH_CONFDIR "${prefix}/etc/talksearch")
  set(TALKSEARCH_STATEDIR "${prefix}/var/lib/talksearch")
endif()
set(TALKSEARCH_BINDIR "${prefix}/${TALKSEARCH_BINDIR_REL}")
set(examples "${TALKSEARCH_SOURCE_DIR}/docs/examples")
foreach(pair IN ITEMS
    "talksearch-serve.service:lib/systemd/system"
    "talksearch-update.service:lib/systemd/system"
    "talksearch-update.timer:lib/systemd/system"
    "talksearch-update.cron:share/doc/talksearch/examples")
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 name)
  list(GET pair 1 dir)
  set(out "$ENV{DESTDIR}${prefix}/${dir}/${name}")
  message(STATUS "Installing: ${out}")
  configure_file("${examples}/${name}.in" "${out}" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${out}")
endforeach()
