#!/usr/bin/env bash
# Fuzz/run.sh PARSER SECONDS [libFuzzer options…]
#
# Builds the libFuzzer target of one inbox parser (csv, jsonl, hl7 or list) with
# `swiftc -sanitize=fuzzer` (-O: Swift's bounds, overflow and precondition checks stay on,
# and each trap is a crash libFuzzer reports) and runs it for SECONDS, at the lowest CPU priority.
#
#   - Sources: Sources/RemindCore and Sources/RemindInbox are compiled as modules (with
#     the package's strict settings), then linked with Fuzz/Targets/FuzzCheck.swift and
#     the parser's entry point (Fuzz/Targets/<Parser>Fuzz.swift).
#   - Corpus: the committed seeds in Fuzz/corpus/PARSER are read, never written; what
#     libFuzzer finds goes to .build/fuzz/corpus/PARSER, which later runs reuse.
#   - Crashes: .build/fuzz/artifacts/PARSER/crash-… (the script exits non-zero). Replay one
#     with `.build/fuzz/build-fuzzer/PARSER-fuzzer FILE`; add it to the tests (HL7FuzzReproducerTests).
#   - The last lines of output are libFuzzer's final stats (executions, run time).
#
# Environment: SWIFTC (default swiftc), FUZZ_JOBS_NICE (default 19), FUZZ_SANITIZE
# (default `fuzzer`; `fuzzer,address` adds AddressSanitizer, about three times slower, for
# the unsafe pointer code Swift's own checks do not cover).
set -euo pipefail

usage() { echo "usage: $0 csv|jsonl|hl7|list SECONDS [libFuzzer options…]" >&2; exit 64; }
[ $# -ge 2 ] || usage
parser=$1; seconds=$2; shift 2
case "$parser" in
    csv) target=CSVFuzz ;;
    jsonl) target=JSONLinesFuzz ;;
    hl7) target=HL7Fuzz ;;
    list) target=ListFuzz ;;
    *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.build/fuzz
swiftc=${SWIFTC:-swiftc}
nice_level=${FUZZ_JOBS_NICE:-19}
sanitize=${FUZZ_SANITIZE:-fuzzer}
build=$out/build-$(echo "$sanitize" | tr ',' '-')
mkdir -p "$build" "$out/corpus/$parser" "$out/artifacts/$parser"

flags=(
    -swift-version 6
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
    -sanitize="$sanitize" -O -g
    -use-ld=lld
    -I "$build"
)

# stale TARGET INPUT…: true when TARGET is missing or an input is newer.
stale() {
    local target=$1; shift
    [ ! -e "$target" ] && return 0
    [ -n "$(find "$@" -newer "$target" \( -name '*.swift' -o -name '*.o' -o -name run.sh \) | head -1)" ]
}

# build_module NAME SOURCE_DIR [DEPENDENCY…]: one object and one .swiftmodule.
build_module() {
    local name=$1 dir=$2; shift 2
    if stale "$build/$name.o" "$dir" "$root/Fuzz/run.sh" "$@"; then
        echo "fuzz: compiling $name ($sanitize)" >&2
        nice -n "$nice_level" "$swiftc" "${flags[@]}" -parse-as-library -wmo -module-name "$name" \
            -emit-module -emit-module-path "$build/$name.swiftmodule" -c -o "$build/$name.o" "$dir"/*.swift
    fi
}
build_module RemindCore "$root/Sources/RemindCore"
build_module RemindInbox "$root/Sources/RemindInbox" "$build/RemindCore.o"

exe=$build/$parser-fuzzer
if stale "$exe" "$root/Fuzz/Targets" "$build/RemindCore.o" "$build/RemindInbox.o"; then
    echo "fuzz: linking $parser-fuzzer" >&2
    nice -n "$nice_level" "$swiftc" "${flags[@]}" -parse-as-library -module-name "${target}Main" \
        "$root/Fuzz/Targets/FuzzCheck.swift" "$root/Fuzz/Targets/$target.swift" \
        "$build/RemindCore.o" "$build/RemindInbox.o" -o "$exe"
fi

[ "$seconds" -gt 0 ] || exit 0
dict=()
[ -f "$root/Fuzz/dict/$parser.dict" ] && dict=(-dict="$root/Fuzz/dict/$parser.dict")
# ASan's leak checker reports Foundation's process-lifetime caches; leaks are not what we hunt.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
exec nice -n "$nice_level" "$exe" -max_total_time="$seconds" -timeout=10 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$parser/" "${dict[@]}" "$@" "$out/corpus/$parser" "$root/Fuzz/corpus/$parser"
