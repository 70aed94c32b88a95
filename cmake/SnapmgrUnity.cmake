# Unity builds (SNAPMGR_UNITY, on by default): each target's sources are compiled in batches of
# SNAPMGR_UNITY_BATCH files, one translation unit per batch. The templates that every file of a
# target instantiates — Boost.Beast/Asio/JSON, spdlog/fmt, GoogleTest, the standard containers —
# are then compiled and optimised once per batch instead of once per file. Measured on
# snapmgr_core's ASan build in batches of 16 (bench/README.md, "Build and test time"): 308 s of CPU instead of 680.
#
# A batch is one translation unit, so names at namespace scope (anonymous namespaces included)
# must be unique across a target's files. Configure with -DSNAPMGR_UNITY=OFF to compile file by
# file (quicker rebuilds while editing one file).
option(SNAPMGR_UNITY "Compile each target's sources in batches (unity build)" ON)
set(SNAPMGR_UNITY_BATCH 8 CACHE STRING "Source files per unity batch")

if(SNAPMGR_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE ${SNAPMGR_UNITY_BATCH})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # gcc takes a .cpp included into a batch for a header, and warns when a class there has a
    # member of an anonymous-namespace type (an ODR hazard for a header included by several
    # files). Each source is included into exactly one batch, so the hazard does not exist.
    add_compile_options(-Wno-subobject-linkage)
  endif()
endif()
