# The hypervisor's QEMU tests (issue 5): the root set's 1x scenarios run in the main `root`
# boot (through hvloader.efi + hv.efi once HV_QEMU_BOOT=hvloader); this file adds what they
# need in the root (hvcheck.ko, hvmsr, hvmemscan) and the missing-feature boot.
if(NOT (TARGET hv AND TARGET hvloader))
  return()
endif()

hv_kernel_module(hvcheck DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules/hvcheck
                 DEPENDS ${CMAKE_SOURCE_DIR}/hypervisor/include/hv/abi.h)
set_property(GLOBAL APPEND PROPERTY HV_ROOT_DEPENDS kmod_hvcheck)

foreach(tool hvmsr hvmemscan)
  add_executable(${tool} ${CMAKE_CURRENT_SOURCE_DIR}/modules/hvtools/${tool}.c)
  hv_host_target(${tool})
  set_property(GLOBAL APPEND PROPERTY HV_ROOT_PROGRAMS ${tool})
endforeach()

# A CPU without nested paging: hv.efi refuses, the loader says why on the console and, with
# on_failure=boot, starts Linux without the hypervisor (checked inside by scenarios/hvmissing,
# and on the captured console by the .console test).
hv_qemu_test(hv-missing-npt SET hvmissing BOOT hvloader CPU qemu64,+svm
             HVCFG on_failure=boot TIMEOUT 400)
add_test(NAME qemu.hv-missing-npt.console
    COMMAND sh -c "log=$0/qemu/artifacts/hv-missing-npt/serial-root.log; \
grep -F 'hvloader: the hypervisor refused to start' $log | grep -F 'nested paging/NPT' && \
grep -F 'WITHOUT the hypervisor' $log" ${CMAKE_BINARY_DIR})
set_tests_properties(qemu.hv-missing-npt.console PROPERTIES LABELS qemu
                     DEPENDS qemu.hv-missing-npt)
