/* SPDX-License-Identifier: MIT */
/* The resident core's flat image (core.bin, linked for HV_CORE_VA), carried inside hv.efi.
 * In .data so that the stub can wipe it after copying: no hypervisor byte stays in the
 * image the root can read. */
    .data
    .balign 4096
    .globl hv_core_blob, hv_core_blob_end
hv_core_blob:
    .incbin "core.bin"
hv_core_blob_end:
    .section .note.GNU-stack,"",@progbits
