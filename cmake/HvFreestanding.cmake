# SPDX-License-Identifier: MIT
# The one place that knows how freestanding code is compiled: the hypervisor, EFI images
# (GNU-EFI) and guest-side code (vmbus freestanding build, VSCs, test guest).
#   hv_freestanding(<target>)          no libc, no SSE/FP, no red zone, no stack protector
#   hv_efi_image(<name> SUBSYSTEM app|rtdrv SOURCES ... [LIBS ...])
#                                      GNU-EFI ELF -> PE32+ <name>.efi in the build's efi/ dir

set(HV_FREESTANDING_FLAGS
    -ffreestanding -fno-builtin -nostdinc -fno-stack-protector -fno-strict-aliasing
    -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-common
    ${HV_WARNINGS})

# gcc's own freestanding headers (stddef.h, stdint.h, stdbool.h, stdatomic.h, ...) are still
# wanted under -nostdinc.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE HV_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)

function(hv_freestanding target)
  target_compile_options(${target} PRIVATE ${HV_FREESTANDING_FLAGS})
  # As a plain option: CMake drops include directories it considers implicit for the
  # compiler (gcc's own include dir is one), and -nostdinc would then hide stddef.h & co.
  target_compile_options(${target} PRIVATE -isystem ${HV_CC_INCLUDE})
  target_compile_definitions(${target} PRIVATE HV_FREESTANDING=1)
endfunction()

set(HV_GNUEFI_INC /usr/include/efi)
set(HV_GNUEFI_LIB /usr/lib)
set(HV_EFI_OUT ${CMAKE_BINARY_DIR}/efi)

function(hv_efi_image name)
  cmake_parse_arguments(E "" "SUBSYSTEM" "SOURCES;LIBS;INCLUDES" ${ARGN})
  if(NOT EXISTS ${HV_GNUEFI_LIB}/crt0-efi-x86_64.o)
    message(FATAL_ERROR "GNU-EFI not found: install the Debian package gnu-efi (tools/setup.sh)")
  endif()
  if(E_SUBSYSTEM STREQUAL "rtdrv")
    set(pe_target efi-rtdrv-x86_64)
  else()
    set(pe_target efi-app-x86_64)
  endif()
  set(so ${name}.so)
  add_executable(${so} ${E_SOURCES})
  target_include_directories(${so} PRIVATE ${E_INCLUDES})
  target_include_directories(${so} SYSTEM PRIVATE ${HV_GNUEFI_INC} ${HV_GNUEFI_INC}/x86_64)
  target_compile_options(${so} PRIVATE
      -fpic -fshort-wchar -ffreestanding -fno-stack-protector -fno-strict-aliasing
      -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables
      ${HV_WARNINGS})
  target_compile_definitions(${so} PRIVATE GNU_EFI_USE_MS_ABI HV_FREESTANDING=1)
  target_link_options(${so} PRIVATE
      -nostdlib -shared -Wl,-Bsymbolic -Wl,-znocombreloc -Wl,--no-undefined
      -T ${HV_GNUEFI_LIB}/elf_x86_64_efi.lds ${HV_GNUEFI_LIB}/crt0-efi-x86_64.o)
  target_link_libraries(${so} PRIVATE ${E_LIBS} ${HV_GNUEFI_LIB}/libefi.a
                        ${HV_GNUEFI_LIB}/libgnuefi.a)
  set_target_properties(${so} PROPERTIES OUTPUT_NAME ${name}.so POSITION_INDEPENDENT_CODE ON)
  file(MAKE_DIRECTORY ${HV_EFI_OUT})
  add_custom_command(OUTPUT ${HV_EFI_OUT}/${name}.efi
      COMMAND objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela
              -j .rel.* -j .rela.* -j .reloc --target=${pe_target}
              $<TARGET_FILE:${so}> ${HV_EFI_OUT}/${name}.efi
      DEPENDS ${so} VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${HV_EFI_OUT}/${name}.efi)
endfunction()
