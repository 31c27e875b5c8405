source "$(dirname "$0")/common.sh"
rows=${1:-100000}
write_config 1m 1d "mon-sun 00:00-24:00"
sed -i 's/level = "warning"/level = "info"/' "$work/remindd.toml"
write_export "$rows" $(( $(date +%s) + 2 * 86400 )) "$work/export.csv"
"$bin/remindd" --config "$work/remindd.toml" >"$work/daemon.log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q "remindd started" "$work/daemon.log" && break; sleep 0.1; done
perf record -F 999 -g --call-graph dwarf,16384 -p $pid -o /tmp/perf.data 2>/dev/null & ppid=$!
sleep 0.5
mv "$work/export.csv" "$work/spool/inbox/export.csv"
for _ in $(seq 1 60000); do grep -q "inbox file ingested" "$work/daemon.log" && break; sleep 0.005; done
kill -INT $ppid; wait $ppid || true
kill -TERM $pid; wait $pid || true
