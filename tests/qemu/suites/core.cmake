# SPDX-License-Identifier: MIT
# The harness's own boots: the root set (every root scenario of every component) and the
# harness self-test, which must report its deliberately failing scenario as FAIL.
hv_qemu_test(root SET root)
hv_qemu_test(selftest SET selftest EXPECT_FAIL 50-deliberate-fail TIMEOUT 400)
