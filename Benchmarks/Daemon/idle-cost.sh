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
sample() {
  python3 - "$pid" <<'PY'
import os, sys
pid = sys.argv[1]
ticks = 0; switches = 0
for tid in os.listdir(f"/proc/{pid}/task"):
    f = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
    ticks += int(f[11]) + int(f[12])
    for line in open(f"/proc/{pid}/task/{tid}/status"):
        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
            switches += int(line.split()[1])
print(ticks, switches)
PY
}
read t0 s0 < <(sample); sleep 60; read t1 s1 < <(sample)
hz=$(getconf CLK_TCK)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "idle 60 s with 100,000 queued: cpu $(( (t1 - t0) * 1000 / hz )) ms, context switches $(( s1 - s0 )), threads $(ls /proc/$pid/task | wc -l), rss ${rss} kB"
kill -TERM $pid; wait $pid || true
