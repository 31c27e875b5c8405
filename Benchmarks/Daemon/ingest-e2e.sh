#!/usr/bin/env bash
# End-to-end ingest: the release daemon running (empty spool, outbox provider), a
# ROWS-row CSV export (distinct mobile numbers, appointments in two days) renamed into
# the inbox; the time from the rename to the daemon's "inbox file ingested" line, which
# it logs once every message is durable in the spool and in the release schedule.
# Everything is in it: inotify, claim, parse, libphonenumber, render, plan, group
# commit, archive, scheduling. Usage: ingest-e2e.sh [ROWS] (default 100000).
source "$(dirname "$0")/common.sh"
rows=${1:-100000}
write_config 1m 1d "mon-sun 00:00-24:00"
sed -i 's/level = "warning"/level = "info"/' "$work/remindd.toml"
write_export "$rows" $(( $(date +%s) + 2 * 86400 )) "$work/export.csv"
"$bin/remindd" --config "$work/remindd.toml" >"$work/daemon.log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q "remindd started" "$work/daemon.log" && break; sleep 0.1; done
t0=$(date +%s.%N)
mv "$work/export.csv" "$work/spool/inbox/export.csv"
for _ in $(seq 1 60000); do grep -q "inbox file ingested" "$work/daemon.log" && break; sleep 0.005; done
t1=$(date +%s.%N)
grep "inbox file ingested" "$work/daemon.log" | head -1
python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); r=int(sys.argv[3]); print(f'ingest of {r} rows, landed -> durable and scheduled: {t:.2f} s, {r/t:,.0f} msg/s')" "$t0" "$t1" "$rows"
kill -TERM $pid; wait $pid || true
