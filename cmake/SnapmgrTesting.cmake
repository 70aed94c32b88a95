# snapmgr_add_test(<name> <sources>... [LIBRARIES ...] [DEPENDS <targets>...] [LABELS ...] [WHOLE]
#                  [TIMEOUT <seconds>] [ENVIRONMENT VAR=value...])
# A GoogleTest executable linked with snapmgr_core and the test support library
# (tests/support: load a driver plugin through the real loader). Each test case becomes a ctest test, unless
# WHOLE is given: then the executable is one ctest test (for suites whose fixture starts a real
# component once per process — tgtd, NFS-Ganesha, LVM on a loop device).
# Compile definitions available to the test: SNAPMGR_SOURCE_DIR, SNAPMGR_BINARY_DIR,
# SNAPMGR_PLUGIN_DIR (where libsnapmgr_<name>.so files are written).
function(snapmgr_add_test name)
  if(NOT SNAPMGR_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "WHOLE" "TIMEOUT" "LIBRARIES;DEPENDS;LABELS;ENVIRONMENT" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE snapmgr_core snapmgr_test_support GTest::gmock GTest::gtest_main ${ARG_LIBRARIES})
  target_compile_definitions(${name} PRIVATE
    SNAPMGR_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SNAPMGR_BINARY_DIR="${PROJECT_BINARY_DIR}"
    SNAPMGR_PLUGIN_DIR="${SNAPMGR_PLUGIN_DIR}")
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  if(ARG_WHOLE)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
    if(ARG_ENVIRONMENT)
      set_tests_properties(${name} PROPERTIES ENVIRONMENT "${ARG_ENVIRONMENT}")
    endif()
  else()
    # Only non-empty properties: an empty value would shift the ones after it.
    set(extra)
    if(ARG_LABELS)
      list(APPEND extra LABELS "${ARG_LABELS}")
    endif()
    if(ARG_ENVIRONMENT)
      list(APPEND extra ENVIRONMENT "${ARG_ENVIRONMENT}")
    endif()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 120 PROPERTIES TIMEOUT ${ARG_TIMEOUT} ${extra})
  endif()
endfunction()
