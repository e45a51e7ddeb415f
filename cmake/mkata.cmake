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
