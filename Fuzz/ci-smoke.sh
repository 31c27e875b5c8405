#!/usr/bin/env bash
# A short fuzz run of every inbox parser (FUZZ_SECONDS each, default 45), for CI after
# `make test`. Fails on the first crash or hang; libFuzzer's output names the input.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for parser in csv jsonl hl7 list; do
    echo "fuzz smoke: $parser for ${FUZZ_SECONDS:-45} s"
    if ! Fuzz/run.sh "$parser" "${FUZZ_SECONDS:-45}" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz smoke: $parser failed" >&2
        exit 1
    fi
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|Done )' "$log" || true
done
