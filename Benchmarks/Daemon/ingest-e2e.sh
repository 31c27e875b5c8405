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
# The wait for the log line is one blocked grep on `tail -F` (inotify), not a polling
# loop: a new grep process every few milliseconds competes with the daemon for 2 cores.
tail -n +1 -F "$work/daemon.log" 2>/dev/null | grep -m1 -q "inbox file ingested" & waiter=$!
sleep 0.2
c0=$(awk '{print $14+$15}' /proc/$pid/stat)
t0=$(date +%s.%N)
mv "$work/export.csv" "$work/spool/inbox/export.csv"
wait $waiter || true  # the job's status is tail's SIGPIPE once grep has its line
grep -q "inbox file ingested" "$work/daemon.log" || { echo "the daemon did not log the ingest"; exit 1; }
t1=$(date +%s.%N)
c1=$(awk '{print $14+$15}' /proc/$pid/stat)
grep "inbox file ingested" "$work/daemon.log" | head -1
python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); r=int(sys.argv[3]); c=(int(sys.argv[5])-int(sys.argv[4]))/100; print(f'ingest of {r} rows, landed -> durable and scheduled: {t:.2f} s, {r/t:,.0f} msg/s; daemon CPU {c:.2f} s ({c/t:.2f} cores)')" "$t0" "$t1" "$rows" "$c0" "$c1"
echo "daemon peak resident: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
kill -TERM $pid; wait $pid || true
# The issue's baseline, in the same run on the same disk: a file, its fsync and its
# directory's fsync per message (5,000 messages).
swift build -c release --scratch-path "$root/.build-bench" --product SpoolBenchmark >/dev/null
baseline=$("$bin/SpoolBenchmark" baseline "$work" 5000 | tee /dev/stderr | sed 's/.*: \([0-9]*\) msg\/s/\1/')
python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); r=int(sys.argv[3]); b=int(sys.argv[4]); print(f'ratio end-to-end ingest / baseline: {r/t/b:.1f}x')" "$t0" "$t1" "$rows" "$baseline"
