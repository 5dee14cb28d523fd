# SPDX-License-Identifier: MIT
# Offsets and sizes that assembly needs, generated from C at build time so that no number is
# written twice (Linux's asm-offsets.c, Jailhouse's asm-defines.c):
#   hv_asm_defines(<target> SOURCE <file.c> HEADER <name.h> INCLUDES <dirs...>)
# compiles SOURCE to assembly, where each DEFINE(NAME, value) in it left a marker line
# "->NAME value", and turns the markers into #define lines in HEADER, in a folder of the
# target's own (<target>.gen/ in the build folder). The target's assembly files get that folder
# on their include path and are rebuilt when the header changes.
function(hv_asm_defines target)
  cmake_parse_arguments(A "" "SOURCE;HEADER" "INCLUDES;ASM_SOURCES" ${ARGN})
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/${target}.gen)
  set(out_s ${gen}/${A_HEADER}.s)
  set(out_h ${gen}/${A_HEADER})
  set(incs)
  foreach(d ${A_INCLUDES})
    list(APPEND incs -I${d})
  endforeach()
  add_custom_command(OUTPUT ${out_h}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}
      COMMAND ${CMAKE_C_COMPILER} -S -std=gnu11 ${HV_FREESTANDING_FLAGS} -isystem ${HV_CC_INCLUDE}
              ${incs} -MD -MT ${out_h} -MF ${out_s}.d -o ${out_s} ${A_SOURCE}
      COMMAND sed -n -e "1i /* Generated from ${A_SOURCE} at build time: do not edit. */"
              -e "s/^.*->\\([A-Za-z0-9_]*\\) \\$\\{0,1\\}\\([0-9-]*\\).*$/#define \\1 \\2/p"
              ${out_s} > ${out_h}
      DEPENDS ${A_SOURCE}
      DEPFILE ${out_s}.d
      COMMENT "Generating ${A_HEADER}" VERBATIM)
  add_custom_target(${target}_asm_defines DEPENDS ${out_h})
  add_dependencies(${target} ${target}_asm_defines)
  foreach(s ${A_ASM_SOURCES})
    set_property(SOURCE ${s} APPEND PROPERTY OBJECT_DEPENDS ${out_h})
  endforeach()
  target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:ASM>:-I${gen}>)
endfunction()
