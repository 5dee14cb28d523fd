# SPDX-License-Identifier: MIT
# How tests are declared. Every test carries a ctest label: unit, host, fuzz, bench or qemu.
#   hv_unit_test(<name> SOURCES ... [LIBS ...])        cmocka program   (default + sanitizer builds)
#   hv_host_test(<name> COMMAND ... [DEPENDS tgt...])   host integration (default + sanitizer builds)
#   hv_fuzz_target(<name> SOURCES ... [LIBS ...] [CORPUS dir])
#                                                       libFuzzer target (HV_FUZZ build only)
#   hv_bench(<name> SOURCES ... [LIBS ...] [ARGS ...] EXPECT regex...)
#                                                       figures-printing program (default build);
#                                                       the test checks the output's shape, never timing

function(hv_unit_test name)
  if(HV_FUZZ)
    return()
  endif()
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;INCLUDES" ${ARGN})
  hv_require_pkg(CMOCKA cmocka libcmocka-dev)
  add_executable(${name} ${T_SOURCES})
  hv_host_target(${name})
  target_include_directories(${name} PRIVATE ${T_INCLUDES} ${CMAKE_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME unit.${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(unit.${name} PROPERTIES LABELS unit TIMEOUT ${T_TIMEOUT})
endfunction()

function(hv_host_test name)
  if(HV_FUZZ)
    return()
  endif()
  cmake_parse_arguments(T "" "TIMEOUT" "COMMAND;LABELS" ${ARGN})
  add_test(NAME host.${name} COMMAND ${T_COMMAND})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(host.${name} PROPERTIES LABELS "host;${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()

function(hv_fuzz_target name)
  if(NOT HV_FUZZ)
    return()
  endif()
  cmake_parse_arguments(T "" "CORPUS" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  hv_host_target(${name})
  target_include_directories(${name} PRIVATE ${T_INCLUDES} ${CMAKE_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  # The smoke run never writes into the source tree: the seed corpus is copied first.
  set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus)
  add_test(NAME fuzz.${name}
      COMMAND ${CMAKE_SOURCE_DIR}/tests/fuzz/run-fuzz.sh $<TARGET_FILE:${name}>
              "${T_CORPUS}" ${work} ${HV_FUZZ_SECONDS})
  math(EXPR t "${HV_FUZZ_SECONDS} * 3 + 120")
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT ${t})
endfunction()

function(hv_bench name)
  if(HV_HOST_ONLY)
    return()
  endif()
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;INCLUDES;ARGS;EXPECT" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  hv_host_target(${name})
  target_include_directories(${name} PRIVATE ${T_INCLUDES} ${CMAKE_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  add_test(NAME bench.${name}
      COMMAND ${CMAKE_SOURCE_DIR}/tests/bench/run-bench.sh $<TARGET_FILE:${name}> ${T_ARGS}
              -- ${T_EXPECT})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 900)
  endif()
  # The figures are kept in build/bench-results/ so tools/test.sh can show them after the run.
  set_tests_properties(bench.${name} PROPERTIES LABELS bench TIMEOUT ${T_TIMEOUT} RUN_SERIAL ON
      ENVIRONMENT "HV_BENCH_OUT=${CMAKE_BINARY_DIR}/bench-results/${name}.txt")
endfunction()
