#!/usr/bin/env bash
# Fuzz/run.sh PARSER SECONDS [libFuzzer options…]
#
# Builds the libFuzzer target of one inbox parser (csv, jsonl or hl7) with
# `swiftc -sanitize=fuzzer,address` and runs it for SECONDS, at the lowest CPU priority.
#
#   - Sources: Sources/RemindCore and Sources/RemindInbox are compiled as modules (with
#     the package's strict settings), then linked with Fuzz/Targets/FuzzCheck.swift and
#     the parser's entry point (Fuzz/Targets/<Parser>Fuzz.swift).
#   - Corpus: the committed seeds in Fuzz/corpus/PARSER are read, never written; what
#     libFuzzer finds goes to .build/fuzz/corpus/PARSER, which later runs reuse.
#   - Crashes: .build/fuzz/artifacts/PARSER/crash-… (the script exits non-zero). Replay one
#     with `.build/fuzz/PARSER-fuzzer FILE`; add it to the tests (HL7FuzzReproducerTests).
#   - The last lines of output are libFuzzer's final stats (executions, run time).
#
# Environment: SWIFTC (default swiftc), FUZZ_JOBS_NICE (default 19).
set -euo pipefail

usage() { echo "usage: $0 csv|jsonl|hl7 SECONDS [libFuzzer options…]" >&2; exit 64; }
[ $# -ge 2 ] || usage
parser=$1; seconds=$2; shift 2
case "$parser" in
    csv) target=CSVFuzz ;;
    jsonl) target=JSONLinesFuzz ;;
    hl7) target=HL7Fuzz ;;
    *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.build/fuzz
swiftc=${SWIFTC:-swiftc}
nice_level=${FUZZ_JOBS_NICE:-19}
mkdir -p "$out/obj" "$out/corpus/$parser" "$out/artifacts/$parser"

flags=(
    -swift-version 6
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
    -sanitize=fuzzer,address -O -g
    -I "$out/obj"
)

# build_module NAME SOURCE_DIR: one object and one .swiftmodule, rebuilt when a source
# (or this script) is newer than the object.
build_module() {
    local name=$1 dir=$2 object=$out/obj/$1.o
    if [ ! -f "$object" ] || [ -n "$(find "$dir" "$0" -newer "$object" -name '*.swift' -o -newer "$object" -name run.sh | head -1)" ]; then
        echo "fuzz: compiling $name" >&2
        nice -n "$nice_level" "$swiftc" "${flags[@]}" -parse-as-library -wmo -module-name "$name" \
            -emit-module -emit-module-path "$out/obj/$name.swiftmodule" -c -o "$object" "$dir"/*.swift
    fi
}
build_module RemindCore "$root/Sources/RemindCore"
build_module RemindInbox "$root/Sources/RemindInbox"

exe=$out/$parser-fuzzer
if [ ! -x "$exe" ] || [ -n "$(find "$root/Fuzz/Targets" "$out/obj" -newer "$exe" | head -1)" ]; then
    echo "fuzz: linking $parser-fuzzer" >&2
    nice -n "$nice_level" "$swiftc" "${flags[@]}" -parse-as-library -module-name "${target}Main" \
        "$root/Fuzz/Targets/FuzzCheck.swift" "$root/Fuzz/Targets/$target.swift" \
        "$out/obj/RemindCore.o" "$out/obj/RemindInbox.o" -o "$exe"
fi

[ "$seconds" -gt 0 ] || exit 0
dict=()
[ -f "$root/Fuzz/dict/$parser.dict" ] && dict=(-dict="$root/Fuzz/dict/$parser.dict")
# ASan's leak checker reports Foundation's process-lifetime caches; leaks are not what we hunt.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
exec nice -n "$nice_level" "$exe" -max_total_time="$seconds" -timeout=10 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$parser/" "${dict[@]}" "$@" "$out/corpus/$parser" "$root/Fuzz/corpus/$parser"
