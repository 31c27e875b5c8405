#!/usr/bin/env bash
# Ingest under load: the daemon releases a small export's reminders, one a second
# (outbox provider), while a ROWS-row export (appointments two days ahead, distinct
# numbers) is dropped into the inbox. Measures, during that ingest:
#   - release lateness: each outbox file's time after its slot (the previous file + 1 s);
#   - `remindctl status` round trips, one every 200 ms from the drop to the end;
#   - the daemon's peak resident memory (VmHWM) and the ingest's time and rate.
# Usage: ingest-under-load.sh [ROWS] (default 1000000). BIN=dir runs other binaries
# (e.g. an older build) with the same harness.
source "$(dirname "$0")/common.sh"
rows=${1:-1000000}
bin=${BIN:-$bin}
write_config 1s 1d "mon-sun 00:00-24:00"
sed -i 's/level = "warning"/level = "info"/' "$work/remindd.toml"
cat >> "$work/remindd.toml" <<TOML
[inbox]
max_size = "400M"
TOML
# 900 reminders due now (appointments in 23 h, reminded a day ahead) keep releases flowing.
write_export 900 $(( $(date +%s) + 86400 - 3600 )) "$work/small.csv"
write_export "$rows" $(( $(date +%s) + 2 * 86400 )) "$work/big.csv"
sed -i 's/^B-/S-/; s/,04\([0-9]\{8\}\),/,045\1,/' "$work/small.csv"  # other ids and numbers than the big export's
sed -i 's/,045\([0-9]\{7\}\)[0-9],/,045\1,/' "$work/small.csv"
echo "big export: $(du -h "$work/big.csv" | cut -f1), $rows rows"
"$bin/remindd" --config "$work/remindd.toml" >"$work/daemon.log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q "remindd started" "$work/daemon.log" && break; sleep 0.1; done
mv "$work/small.csv" "$work/spool/inbox/small.csv"
for _ in $(seq 1 100); do [ "$(ls "$work/spool/outbox" | grep -c '^remindd-' || true)" -ge 5 ] && break; sleep 0.5; done
t0=$(date +%s.%N)
mv "$work/big.csv" "$work/spool/inbox/big.csv"
# remindctl status every 200 ms until the big export is ingested (at most 20 minutes).
: > "$work/status.txt"
for _ in $(seq 1 6000); do
  s=$(date +%s%N)
  timeout 60 "$bin/remindctl" status --config "$work/remindd.toml" --socket "$work/control.sock" >/dev/null 2>&1 || echo "status failed" >> "$work/status.txt"
  e=$(date +%s%N)
  echo "$(( (e - s) / 1000000 ))" >> "$work/status.txt"
  grep -q "inbox file ingested.*big.csv\|big.csv.*inbox file ingested" "$work/daemon.log" && break
  sleep 0.2
done
t1=$(date +%s.%N)
sleep 2
echo "daemon peak resident: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status); resident 2 s after the ingest: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
kill -TERM $pid; wait $pid || true
grep "inbox file ingested" "$work/daemon.log" | tail -1 | cut -c1-300
python3 - "$work/spool/outbox" "$t0" "$t1" "$rows" "$work/status.txt" <<'PY'
import os, sys
d, t0, t1, rows, status = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
t = sorted(os.stat(os.path.join(d, f)).st_mtime_ns / 1e9 for f in os.listdir(d) if f.startswith("remindd-"))
during = [(a, b) for a, b in zip(t, t[1:]) if b >= t0 and a <= t1]
late = sorted(b - a - 1.0 for a, b in during)
q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]
print(f"ingest: {t1 - t0:.1f} s, {rows / (t1 - t0):,.0f} rows/s (drop to 'ingested', status polling included)")
if late:
    worst = max(during, key=lambda g: g[1] - g[0])
    print(f"releases during the ingest: {len(during)}  lateness s: p50 {q(late, .5):.3f}  p99 {q(late, .99):.3f}  max {late[-1]:.3f}"
          f" (the slot {worst[1] - t0:.1f} s after the drop)")
else:
    print("releases during the ingest: none")
lines = open(status).read().split()
failed = sum(1 for l in lines if l == "failed")
ms = sorted(int(l) for l in lines if l.isdigit())
print(f"remindctl status: {len(ms)} calls, {failed} failed, ms p50 {q(ms, .5)}  p99 {q(ms, .99)}  max {ms[-1]}")
PY
