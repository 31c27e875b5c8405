#!/usr/bin/env bash
# Idle cost: 100,000 messages queued for tomorrow; over 60 s, the daemon's CPU time
# and its context switches (each a wake-up of one of its threads), summed over threads.
source "$(dirname "$0")/common.sh"
write_config 1m 1d "mon-sun 00:00-24:00"
write_export 100000 $(( $(date +%s) + 2 * 86400 )) "$work/spool/inbox/.x.part"
mv "$work/spool/inbox/.x.part" "$work/spool/inbox/export.csv"
"$bin/remindd" --config "$work/remindd.toml" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [ -z "$(ls "$work/spool/inbox")" ] && [ -z "$(ls "$work/spool/incoming")" ] && [ -S "$work/control.sock" ] && break
  sleep 0.5
done
sleep 2
"$bin/remindctl" status --config "$work/remindd.toml" | head -2
# CPU: the process's utime+stime (exited threads included); wake-ups: perf's count of
# context switches of every thread (linux-perf; software events work in VMs).
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
threads0=$(ls /proc/$pid/task | wc -l)
t0=$(ticks)
switches=$(perf stat -x, -e context-switches -p $pid -- sleep 60 2>&1 >/dev/null | awk -F, '/context-switches/ {print $1}')
t1=$(ticks)
hz=$(getconf CLK_TCK)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "idle 60 s with 100,000 queued: cpu $(( (t1 - t0) * 1000 / hz )) ms, context switches ${switches}, threads ${threads0} -> $(ls /proc/$pid/task | wc -l), rss ${rss} kB"
kill -TERM $pid; wait $pid || true
