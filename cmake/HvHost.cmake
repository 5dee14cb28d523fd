# SPDX-License-Identifier: MIT
# Flags for host code (root-side programs, libraries, tests): gnu11, warnings are errors,
# and the sanitizer / fuzzer flavours selected by HV_SANITIZE and HV_FUZZ.
# The project's warning set, for every component (host, freestanding and EFI code; generated
# protobuf code is compiled without the stricter half, see proto/CMakeLists.txt).
set(HV_WARNINGS_STRICT -Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wcast-qual)
set(HV_WARNINGS -Wall -Wextra -Werror ${HV_WARNINGS_STRICT})
set(HV_HOST_WARNINGS ${HV_WARNINGS})

if(HV_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HV_FUZZ=ON needs clang: configure with -DCMAKE_C_COMPILER=clang")
  endif()
  # Everything host-side is instrumented for coverage; only fuzz executables link the driver.
  set(HV_HOST_SANITIZE_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
elseif(HV_SANITIZE)
  set(HV_HOST_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
else()
  set(HV_HOST_SANITIZE_FLAGS)
endif()

# hv_host_target(<target>): apply the host flags to a library or executable.
function(hv_host_target target)
  target_compile_options(${target} PRIVATE ${HV_HOST_WARNINGS} ${HV_HOST_SANITIZE_FLAGS})
  target_link_options(${target} PRIVATE ${HV_HOST_SANITIZE_FLAGS})
  target_compile_definitions(${target} PRIVATE _GNU_SOURCE)
endfunction()

# Fail early and clearly when a library from tools/setup.sh is missing.
find_package(PkgConfig REQUIRED)
macro(hv_require_pkg var module pkgname)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package ${pkgname} "
                        "(tools/setup.sh installs everything the build needs)")
  endif()
endmacro()
