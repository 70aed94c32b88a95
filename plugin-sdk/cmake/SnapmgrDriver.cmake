# snapmgr_add_driver(<name> SOURCES <file>... [LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>])
#
# Builds libsnapmgr_<name>.so (target snapmgr_<name>), the file name snapmgrd looks for in its
# plugin_path. The library is:
#   - a MODULE: loaded with dlopen by the host, never linked against;
#   - compiled against SnapmgrSDK::sdk (C++20, the SDK headers, Boost headers);
#   - built with hidden visibility, so the only exported symbol is the entry point that
#     SNAPMGR_EXPORT_DRIVER declares, and two drivers' internals can never collide;
#   - linked with --no-undefined, so a missing symbol fails the build instead of the host's
#     dlopen at run time. Link your backend's client libraries with LIBRARIES — never the host.
# `name` should be the driver's name (the descriptor's `name`, the config's `driver:` key).
function(snapmgr_add_driver name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "snapmgr_add_driver(${name}): no SOURCES given")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "snapmgr_add_driver(${name}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_.-]+$")
    message(FATAL_ERROR "snapmgr_add_driver(${name}): a driver name uses only A-Z a-z 0-9 _ . -")
  endif()
  set(target snapmgr_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE SnapmgrSDK::sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME snapmgr_${name}
    PREFIX lib
    SUFFIX .so
    CXX_EXTENSIONS OFF
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  target_link_options(${target} PRIVATE LINKER:--no-undefined)
endfunction()
