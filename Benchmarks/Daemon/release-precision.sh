#!/usr/bin/env bash
# Release precision: 1,000 messages all due now, one every 100 ms. The lateness of
# each release is how much later than its slot (the previous release + the stagger)
# its outbox file appeared: the gap between consecutive outbox files minus 100 ms.
# A release whose own hand-over was slow makes the next gap look short (negative),
# so the minimum is reported too. Prints p50, p99, max and min in milliseconds.
source "$(dirname "$0")/common.sh"
write_config 100ms 1d "mon-sun 00:00-24:00"
write_export 1000 $(( $(date +%s) + 86400 - 3600 )) "$work/spool/inbox/.x.part"
mv "$work/spool/inbox/.x.part" "$work/spool/inbox/export.csv"
"$bin/remindd" --config "$work/remindd.toml" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  n=$(ls "$work/spool/outbox" 2>/dev/null | grep -c '^remindd-' || true)
  [ "$n" -ge 1000 ] && break
  sleep 0.5
done
kill -TERM $pid; wait $pid || true
python3 - "$work/spool/outbox" <<'PY'
import os, sys
d = sys.argv[1]
t = sorted(os.stat(os.path.join(d, f)).st_mtime_ns for f in os.listdir(d) if f.startswith("remindd-"))
late = sorted((b - a) / 1e6 - 100.0 for a, b in zip(t, t[1:]))
q = lambda p: late[min(len(late) - 1, int(p * len(late)))]
print(f"releases {len(t)}  lateness ms: p50 {q(0.50):.2f}  p99 {q(0.99):.2f}  max {late[-1]:.2f}  min {late[0]:.2f}")
PY
