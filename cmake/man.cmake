# Writes the man page OUT of PROGRAM with help2man, from its --help and --version, and adds a
# section per subcommand (SUBCOMMANDS, ;-separated) with that subcommand's --help.
#   cmake -DHELP2MAN=... -DPROGRAM=... -DNAME=... -DSUBCOMMANDS=... -DOUT=... -P man.cmake
set(include_file "${OUT}.h2m")
# Run by name from PATH, with HOME as "~", so that the page shows "talksearch-index build" and
# "~/.local/share/..." rather than the build machine's paths.
get_filename_component(program_dir "${PROGRAM}" DIRECTORY)
get_filename_component(program_name "${PROGRAM}" NAME)
set(run ${CMAKE_COMMAND} -E env "PATH=${program_dir}:$ENV{PATH}" "HOME=~" --unset=TALKSEARCH_INDEX)
set(text "")
foreach(sub IN LISTS SUBCOMMANDS)
  execute_process(COMMAND ${run} "${program_name}" ${sub} --help OUTPUT_VARIABLE help
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} ${sub} --help exited ${rc}")
  endif()
  # roff: backslashes escaped, a line starting with . or ' is not a request.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND text ".SS \"${sub}\"\n.nf\n${help}\n.fi\n")
endforeach()
if(text)
  file(WRITE "${include_file}" "[COMMANDS]\n${text}")
  set(include_arg "--include=${include_file}")
endif()
execute_process(
  COMMAND ${run} "${HELP2MAN}" --no-info --section=1 "--name=${NAME}" ${include_arg}
          "--output=${OUT}" "${program_name}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed for ${PROGRAM} (exit ${rc})")
endif()
