# `cmake --install` and the Debian package (CPack): the two programs, their man pages, the
# systemd units and timer (paths follow the prefix: cmake/install_units.cmake), the example
# sources file and the docs. docs/OPERATIONS.md, "Installing", says what goes where.
include(GNUInstallDirs)

install(TARGETS talksearch-index talksearch-query RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages from the programs' --help (help2man, a build package of scripts/setup).
find_program(TALKSEARCH_HELP2MAN help2man)
if(TALKSEARCH_HELP2MAN)
  set(man_dir ${CMAKE_BINARY_DIR}/man/man1)
  file(MAKE_DIRECTORY ${man_dir})
  set(man_pages)
  foreach(spec IN ITEMS
      "talksearch-index|build,update,fetch,captions,stats,stub|index conference talks and their captions"
      "talksearch-query|serve|search conference talks and serve the search over HTTP")
    string(REPLACE "|" ";" spec "${spec}")
    list(GET spec 0 program)
    list(GET spec 1 subcommands)
    list(GET spec 2 description)
    string(REPLACE "," "\\;" subcommands "${subcommands}")
    add_custom_command(
      OUTPUT ${man_dir}/${program}.1
      COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${TALKSEARCH_HELP2MAN} -DPROGRAM=$<TARGET_FILE:${program}>
              "-DSUBCOMMANDS=${subcommands}" "-DNAME=${description}"
              -DOUT=${man_dir}/${program}.1 -P ${PROJECT_SOURCE_DIR}/cmake/man.cmake
      DEPENDS ${program} ${PROJECT_SOURCE_DIR}/cmake/man.cmake
      COMMENT "man page of ${program}")
    list(APPEND man_pages ${man_dir}/${program}.1)
  endforeach()
  add_custom_target(talksearch_man ALL DEPENDS ${man_pages})
  install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man pages (scripts/setup installs it)")
endif()

install(CODE "set(TALKSEARCH_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
set(TALKSEARCH_BINDIR_REL \"${CMAKE_INSTALL_BINDIR}\")
include(\"${PROJECT_SOURCE_DIR}/cmake/install_units.cmake\")")
install(FILES ${PROJECT_SOURCE_DIR}/docs/examples/sources.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/API.md
              ${PROJECT_SOURCE_DIR}/docs/JSON.md ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
              ${PROJECT_SOURCE_DIR}/docs/SCALING.md ${PROJECT_SOURCE_DIR}/docs/DESIGN.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/web/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME WIDGET.md)

# The Debian package: `cpack -G DEB` in a build folder. Dependencies from dpkg-shlibdeps (the
# real library packages: libxapian30, libcurl4, libmicrohttpd12...); the maintainer scripts
# (packaging/debian) create the talksearch user and /var/lib/talksearch and start nothing.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME talksearch)
set(CPACK_PACKAGE_VENDOR "talksearch")
set(CPACK_PACKAGE_CONTACT "talksearch maintainers <maintainers@talksearch.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "search engine for conference talks and what was said in them")
set(CPACK_PACKAGE_DESCRIPTION
    "talksearch indexes conference talk catalogues and their captions into a Xapian index and\nanswers with the talks and the moments the words were said, linking to the video at that second.\nIt includes a JSON API, an HTML search page and an embeddable web component.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "yt-dlp")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "xapian-tools, nginx | caddy")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
