# Helpers shared by every folder's CMakeLists.txt.

# mkata_unit_test(NAME src...): a GoogleTest executable linked with the core library, registered
# with CTest test by test. Unit tests run anywhere, as any user, in well under a second each.
function(mkata_unit_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE mkata_core GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30 PROPERTIES LABELS unit)
endfunction()

# mkata_integration_test(NAME src...): like mkata_unit_test, but runs real components (containerd,
# runtimes, servers). Labelled "integration"; each test skips with a printed reason when what it
# needs (root, /dev/kvm, a binary) is absent. They run one at a time (RUN_SERIAL) because they
# share host resources such as iptables and the CNI cache.
function(mkata_integration_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE mkata_core GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  foreach(dep mkata helloworld autoscale pause)
    if(TARGET ${dep})
      add_dependencies(${name} ${dep})
    endif()
  endforeach()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 30
    PROPERTIES LABELS integration RUN_SERIAL TRUE TIMEOUT 600)
endfunction()

# mkata_fuzz_target(DOMAIN FUZZER dep...): a libFuzzer target <FUZZER> built from <FUZZER>.cc and
# the .cc files among `dep` (paths relative to this folder, or absolute; headers listed only as
# dependencies), and its bounded CTest run `<DOMAIN>.<FUZZER>` (label fuzz; 20 s over the corpus
# in build/fuzz and the seeds in fuzz_seeds/<FUZZER>; fails on any crash, sanitizer report,
# broken invariant or leak). The main build uses g++ and libFuzzer needs clang, so it is a
# separate clang++ invocation on those sources only, which must avoid the C++23 library headers
# clang-14 cannot read from libstdc++ 12 (<expected>). Without clang the test skips with the reason.
function(mkata_fuzz_target domain fuzzer)
  find_program(MKATA_CLANGXX NAMES clang++-14 clang++)
  set(fuzz_dir ${CMAKE_BINARY_DIR}/fuzz)
  if(NOT MKATA_CLANGXX)
    add_test(NAME ${domain}.${fuzzer}
      COMMAND sh -c "echo 'SKIPPED: clang++-14/clang++ not found, cannot build libFuzzer target ${fuzzer}'; exit 77")
    set_tests_properties(${domain}.${fuzzer} PROPERTIES LABELS fuzz SKIP_RETURN_CODE 77)
    return()
  endif()
  set(corpus ${fuzz_dir}/${fuzzer}_corpus)
  file(MAKE_DIRECTORY ${corpus})
  set(deps ${ARGN})
  list(TRANSFORM deps PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/ REGEX "^[^/]")
  set(sources ${deps})
  list(FILTER sources INCLUDE REGEX "\\.cc$")
  add_custom_command(
    OUTPUT ${fuzz_dir}/${fuzzer}
    COMMAND ${MKATA_CLANGXX} -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined
            -fno-sanitize-recover=all -I${CMAKE_SOURCE_DIR}/src
            ${CMAKE_CURRENT_SOURCE_DIR}/${fuzzer}.cc ${sources} -o ${fuzz_dir}/${fuzzer}
    DEPENDS ${fuzzer}.cc ${deps}
    COMMENT "Building libFuzzer target ${fuzzer} with ${MKATA_CLANGXX}"
    VERBATIM)
  add_custom_target(${fuzzer} ALL DEPENDS ${fuzz_dir}/${fuzzer})
  add_test(NAME ${domain}.${fuzzer}
    COMMAND ${fuzz_dir}/${fuzzer} -max_total_time=20 -timeout=10 -rss_limit_mb=1024
            -print_final_stats=1 -artifact_prefix=${fuzz_dir}/${fuzzer}-
            ${corpus} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_seeds/${fuzzer})
  set_tests_properties(${domain}.${fuzzer} PROPERTIES LABELS fuzz TIMEOUT 120)
endfunction()
