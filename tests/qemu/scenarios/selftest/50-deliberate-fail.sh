# SPDX-License-Identifier: MIT
# Harness self-test: this scenario always fails; the harness must report it as FAIL with the
# last line as the reason, and the suite's self-test checks exactly that.
echo "deliberate failure: the harness must report this line as the reason"
exit 1
