#!/usr/bin/env bash
# Which use of libdispatch arms its 1 s workqueue monitor: a tiny probe in four modes,
# each parked for 20 s after one action, its context switches counted with perf.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/.build/bench-daemon/dispatch-monitor
mkdir -p "$work"
swiftc -O -parse-as-library "$root/Benchmarks/Daemon/dispatch-monitor-probe.swift" -o "$work/probe"
for mode in none serial global task; do
  "$work/probe" "$mode" > "$work/$mode.out" &
  pid=$!
  for _ in $(seq 1 50); do [ -s "$work/$mode.out" ] && break; sleep 0.1; done
  sleep 6   # past libdispatch's 5 s idle-worker timeout, so only what stays armed counts
  switches=$(perf stat -x, -e context-switches -p $pid -- sleep 20 2>&1 >/dev/null | awk -F, '/context-switches/ {print $1}')
  [ "$switches" = "<not counted>" ] && switches=0   # perf's word for a thread that never ran
  echo "$mode: ${switches} context switches in 20 s, threads $(ls /proc/$pid/task | wc -l)"
  kill $pid; wait $pid 2>/dev/null || true
done
