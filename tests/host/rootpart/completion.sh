#!/bin/sh
# SPDX-License-Identifier: MIT
# bash completion of hvctl: verbs, option values, and the live VM names from vmms.
. "$(dirname "$0")/lib.sh"
COMPLETION=${3:?usage: $0 BIN_DIR - COMPLETION_FILE}
command -v bash >/dev/null || { echo "SKIP: no bash"; exit 0; }
start_vmms
for n in alpha beta; do write_config "$T/cfg/$n.json" "$n"; expect_rc 0 hvctl create "$T/cfg/$n.json"; done
complete_line() {  # complete_line WORD...: what bash would offer for the last word
  PATH="$BIN:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hvctl; echo "${COMPREPLY[*]}"' \
    _ "$COMPLETION" "$@"
}
[ "$(complete_line hvctl st)" = "start stop" ] || fail "verbs: $(complete_line hvctl st)"
[ "$(complete_line hvctl start '')" = "alpha beta" ] || fail "VM names: $(complete_line hvctl start '')"
[ "$(complete_line hvctl logs b)" = "beta" ] || fail "VM names: $(complete_line hvctl logs b)"
[ "$(complete_line hvctl list --format y)" = "yaml" ] || fail "formats"
[ "$(complete_line hvctl wait alpha --state r)" = "running" ] || fail "states"
[ "$(complete_line hvctl stop alpha --f)" = "--format --force" ] || fail "stop options: $(complete_line hvctl stop alpha --f)"
[ "$(complete_line hvctl stop alpha --no)" = "--no-headers --no-force" ] || fail "stop options: $(complete_line hvctl stop alpha --no)"
[ "$(complete_line hvctl console a)" = "alpha" ] || fail "console: VM names: $(complete_line hvctl console a)"
[ "$(complete_line hvctl console alpha --w)" = "--watch" ] || fail "console options: $(complete_line hvctl console alpha --w)"
[ "$(complete_line hvctl start alpha --c)" = "--console" ] || fail "start --console: $(complete_line hvctl start alpha --c)"
[ "$(complete_line hvctl console alpha --escape n)" = "none" ] || fail "console --escape values"
finish "mgmt bash completion"
