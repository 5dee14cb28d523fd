# SPDX-License-Identifier: MIT
# Out-of-tree kernel modules, built against Debian's packaged headers of the kernel the QEMU
# suite boots (unpacked by tools/fetch-kernel.sh), never against the build host's kernel.
#   hv_kernel_module(<name> DIR <source dir with Kbuild> [DEPENDS files...])
# produces ${CMAKE_BINARY_DIR}/modules/<name>.ko.

# tools/fetch-kernel.sh links the current release here; it wins over a cached older one.
if(EXISTS ${CMAKE_SOURCE_DIR}/.cache/kernel.env)
  get_filename_component(_env ${CMAKE_SOURCE_DIR}/.cache/kernel.env REALPATH)
  set(HV_KERNEL_ENV ${_env} CACHE FILEPATH "" FORCE)
endif()
if(NOT HV_KERNEL_ENV)
  file(GLOB _envs $ENV{HOME}/.cache/hv/kernel/*/kernel.env)
  if(DEFINED ENV{HV_KERNEL_CACHE})
    file(GLOB _envs $ENV{HV_KERNEL_CACHE}/*/kernel.env)
  endif()
  list(SORT _envs)
  list(LENGTH _envs _n)
  if(_n GREATER 0)
    list(GET _envs -1 _env)
    set(HV_KERNEL_ENV ${_env} CACHE FILEPATH "" FORCE)
  endif()
endif()

if(HV_KERNEL_ENV AND EXISTS ${HV_KERNEL_ENV})
  file(STRINGS ${HV_KERNEL_ENV} _lines)
  foreach(l ${_lines})
    if(l MATCHES "^([A-Z]+)=(.*)$")
      set(HV_KERNEL_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    endif()
  endforeach()
  message(STATUS "Debian kernel for the QEMU suite: ${HV_KERNEL_RELEASE}")
else()
  set(HV_KERNEL_RELEASE "")
endif()

function(hv_kernel_module name)
  cmake_parse_arguments(M "" "DIR" "DEPENDS" ${ARGN})
  if(NOT HV_KERNEL_KDIR)
    message(FATAL_ERROR "kernel headers missing: run tools/fetch-kernel.sh (tools/setup.sh does)")
  endif()
  set(out ${CMAKE_BINARY_DIR}/modules)
  set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}-kbuild)
  file(GLOB srcs ${M_DIR}/*.c ${M_DIR}/*.h ${M_DIR}/Kbuild)
  # Kbuild writes into M=, so build in a copy under the build tree.
  add_custom_command(OUTPUT ${out}/${name}.ko
      COMMAND ${CMAKE_COMMAND} -E make_directory ${work} ${out}
      COMMAND ${CMAKE_COMMAND} -E copy_directory ${M_DIR} ${work}
      COMMAND make -s -C ${HV_KERNEL_KDIR} -f ${HV_KERNEL_KCOMMON}/Makefile
              M=${work} HV_SRC=${CMAKE_SOURCE_DIR} modules
      COMMAND ${CMAKE_COMMAND} -E copy ${work}/${name}.ko ${out}/${name}.ko
      DEPENDS ${srcs} ${M_DEPENDS} VERBATIM)
  add_custom_target(kmod_${name} ALL DEPENDS ${out}/${name}.ko)
  # The QEMU suite's initramfs carries every module the tree builds.
  set_property(GLOBAL APPEND PROPERTY HV_ROOT_DEPENDS kmod_${name} ${out}/${name}.ko)
endfunction()
