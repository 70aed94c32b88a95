# Precompiled headers (SNAPMGR_PCH, on by default): the third-party headers that most
# translation units of a target parse — Boost.Asio/Beast/JSON, spdlog, SQLiteCpp, yaml-cpp,
# GoogleTest — are parsed once per target instead of once per file. Parsing them is a third
# to a half of the compile time of a typical file here.
#
# snapmgr_precompile(<target> <set>): <set> is one of the lists below.
# The test executables share one precompiled header (snapmgr_test_pch, tests/support), built
# with the flags they all have; so that it matches them, neither it nor they ask for -fPIE
# explicitly (Debian's gcc builds position-independent executables by default).
option(SNAPMGR_PCH "Use precompiled headers" ON)

set(SNAPMGR_PCH_STD <algorithm> <chrono> <cstdint> <functional> <map> <memory> <mutex> <optional> <string>
  <string_view> <thread> <utility> <vector>)
set(SNAPMGR_PCH_core ${SNAPMGR_PCH_STD} <filesystem>
  <boost/asio/io_context.hpp> <boost/asio/post.hpp> <boost/asio/thread_pool.hpp> <boost/asio/steady_timer.hpp>
  <boost/asio/ip/tcp.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp> <boost/json.hpp>
  <spdlog/spdlog.h> <SQLiteCpp/SQLiteCpp.h> <yaml-cpp/yaml.h>)
set(SNAPMGR_PCH_driver ${SNAPMGR_PCH_STD} <boost/json.hpp>)
set(SNAPMGR_PCH_kit ${SNAPMGR_PCH_STD} <filesystem> <gtest/gtest.h> <yaml-cpp/yaml.h>)
set(SNAPMGR_PCH_test ${SNAPMGR_PCH_STD} <filesystem> <gtest/gtest.h> <gmock/gmock.h> <boost/json.hpp>)

function(snapmgr_precompile target set)
  if(SNAPMGR_PCH)
    target_precompile_headers(${target} PRIVATE ${SNAPMGR_PCH_${set}})
  endif()
endfunction()

# gcc 12 loses the system-header status of libstdc++'s code once it comes from a precompiled
# header, so libstdc++'s own false -Warray-bounds and -Wstringop-overflow reports for
# `std::string(n, c) + "literal"` at -O1 (GCC bugs 105329, 105651) surface in the test files that
# build strings that way. Tests only: the code under test is built with every warning.
function(snapmgr_pch_warning_options target)
  if(SNAPMGR_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-stringop-overflow)
  endif()
endfunction()
