# snapmgr_add_test(<name> <sources>... [LIBRARIES ...] [DEPENDS <targets>...] [LABELS ...] [WHOLE]
#                  [TIMEOUT <seconds>] [ENVIRONMENT VAR=value...])
# A GoogleTest executable linked with snapmgr_core and the test support library
# (tests/support: load a driver plugin through the real loader). Each test case becomes a ctest test, unless
# WHOLE is given: then the executable is one ctest test (for suites whose fixture starts a real
# component once per process — tgtd, NFS-Ganesha, LVM on a loop device).
# Compile definitions available to the test: SNAPMGR_SOURCE_DIR, SNAPMGR_BINARY_DIR,
# SNAPMGR_PLUGIN_DIR (where libsnapmgr_<name>.so files are written). Each test runs with
# SNAPMGR_DRIVER_WORKER set to snapmgrd, the program of the driver workers its backends start.
# The test executables' own code is compiled at SNAPMGR_TEST_OPTIMIZE (default -O0), after the
# build type's flags, so it wins: a test body runs once and its time is spent in the code under
# test, which keeps the build's -O1; -O0 compiles a test file ~40% faster (under ASan as without).
set(SNAPMGR_TEST_OPTIMIZE "-O0" CACHE STRING "Optimisation flag for the test executables' own code")

# The precompiled header every test executable reuses (cmake/SnapmgrPch.cmake): an object
# library with the tests' own libraries and definitions, so its flags are theirs.
function(snapmgr_define_test_pch)
  if(NOT SNAPMGR_BUILD_TESTS OR NOT SNAPMGR_PCH)
    return()
  endif()
  add_library(snapmgr_test_pch OBJECT ${PROJECT_SOURCE_DIR}/tests/support/pch_anchor.cpp)
  target_link_libraries(snapmgr_test_pch PRIVATE snapmgr_core snapmgr_test_support GTest::gmock GTest::gtest_main)
  snapmgr_test_definitions(snapmgr_test_pch)
  target_compile_options(snapmgr_test_pch PRIVATE ${SNAPMGR_TEST_OPTIMIZE})
  set_target_properties(snapmgr_test_pch PROPERTIES POSITION_INDEPENDENT_CODE OFF)
  snapmgr_precompile(snapmgr_test_pch test)
  snapmgr_pch_warning_options(snapmgr_test_pch)
endfunction()

function(snapmgr_test_definitions target)
  target_compile_definitions(${target} PRIVATE
    SNAPMGR_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SNAPMGR_BINARY_DIR="${PROJECT_BINARY_DIR}"
    SNAPMGR_PLUGIN_DIR="${SNAPMGR_PLUGIN_DIR}")
endfunction()

function(snapmgr_add_test name)
  if(NOT SNAPMGR_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "WHOLE" "TIMEOUT" "LIBRARIES;DEPENDS;LABELS;ENVIRONMENT" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE
    snapmgr_core snapmgr_test_support GTest::gmock GTest::gtest_main ${ARG_LIBRARIES})
  snapmgr_test_definitions(${name})
  target_compile_options(${name} PRIVATE ${SNAPMGR_TEST_OPTIMIZE})
  if(TARGET snapmgr_test_pch)
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
    target_precompile_headers(${name} REUSE_FROM snapmgr_test_pch)
    snapmgr_pch_warning_options(${name})
  endif()
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  # A backend in `isolation: process` (the default) runs its driver in a worker program: snapmgrd,
  # the test executable being another program.
  add_dependencies(${name} snapmgrd)
  list(PREPEND ARG_ENVIRONMENT "SNAPMGR_DRIVER_WORKER=$<TARGET_FILE:snapmgrd>")
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
