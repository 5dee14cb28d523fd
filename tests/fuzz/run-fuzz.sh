#!/bin/sh
# SPDX-License-Identifier: MIT
# Smoke run of one libFuzzer target: copies the seed corpus (if any) into a scratch corpus
# directory and fuzzes for the given number of seconds. Any crash, leak or timeout fails.
# usage: run-fuzz.sh TARGET SEED_DIR|"" WORK_DIR SECONDS
set -eu
target=$1 seeds=$2 work=$3 secs=$4
rm -rf "$work"; mkdir -p "$work/corpus" "$work/artifacts"
[ -n "$seeds" ] && [ -d "$seeds" ] && cp -r "$seeds"/. "$work/corpus/"
exec "$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
     -artifact_prefix="$work/artifacts/" "$work/corpus"
