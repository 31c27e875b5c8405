#!/usr/bin/env bash
# daemon-smpp.sh [ROWS] [WINDOW]: the release daemon itself with the SMPP provider
# (window WINDOW, stagger 0, no receipts) against the smpp34 SMSC on 127.0.0.1: an export
# of ROWS appointments due now renamed into the inbox; the time from the rename to the
# SMSC's last submit_sm, the SMSC-side rate (first to last submit), and the daemon's CPU
# and peak resident memory (VmHWM) over the run. The password is a credential file in
# $CREDENTIALS_DIRECTORY, as under the unit. Defaults: 10000 rows, window 50.
rows=${1:-10000}
window=${2:-50}
# The release build, the scratch spool under .build/bench-daemon/daemon-smpp, write_config.
source "$(dirname "$0")/../Daemon/common.sh"
python=.build/smpp34-venv/bin/python3
[ -x "$python" ] || { echo "no smpp34 venv: run make deps"; exit 1; }
# REMINDD=PATH runs that binary instead of the release one (to compare builds).
remindd=${REMINDD:-$bin/remindd}
mkdir -p "$work/credentials"
printf 'bench' > "$work/credentials/smpp-password"; chmod 600 "$work/credentials/smpp-password"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" Tests/RemindSMPPTests/SMSC/smsc.py --port "$port" --log "$work/smsc.jsonl" & smsc=$!
write_config 0 1d "mon-sun 00:00-24:00"
cat >> "$work/remindd.toml" <<TOML
[provider]
type = "smpp"
host = "127.0.0.1"
port = $port
system_id = "bench"
source = "Harbour"
window = $window
receipts = false
TOML
# Appointments 23 h away with a one-day lead: all due now. Numbers avoid smsc.py's
# magic endings (last four digits 1000-6999), all distinct.
python3 - "$rows" "$work/export.csv" <<'PY'
import sys, datetime
rows, path = int(sys.argv[1]), sys.argv[2]
t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=23)
with open(path, "w") as f:
    f.write("AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n")
    for i in range(rows):
        f.write(f"S-{i},Pat,Doe,04{10 + i // 6000:02d}12{1000 + i % 6000:04d},{t:%Y-%m-%d},{t:%H:%M},Dr Patel,3,Scheduled\n")
PY
for _ in $(seq 1 100); do grep -q '"ready"' "$work/smsc.jsonl" 2>/dev/null && break; sleep 0.1; done
CREDENTIALS_DIRECTORY="$work/credentials" "$remindd" --config "$work/remindd.toml" >"$work/daemon.log" 2>&1 & pid=$!
trap 'kill $pid $smsc 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q '"bound"' "$work/smsc.jsonl" && break; sleep 0.1; done
c0=$(awk '{print $14+$15}' /proc/$pid/stat)
t0=$(date +%s.%N)
mv "$work/export.csv" "$work/spool/inbox/export.csv"
for _ in $(seq 1 1200); do
    [ "$(grep -c '"event": "submit"' "$work/smsc.jsonl")" -ge "$rows" ] && break
    sleep 0.5
done
c1=$(awk '{print $14+$15}' /proc/$pid/stat)
hwm=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$pid/status)
python3 - "$work/smsc.jsonl" "$t0" "$rows" "$window" "$c0" "$c1" "$hwm" <<'PY'
import sys, json
path, t0, rows, window, c0, c1, hwm = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
times = [e["t"] for e in map(json.loads, open(path)) if e.get("event") == "submit"]
span = max(times) - t0
cpu = (c1 - c0) / 100
print(f"window {window}: {len(times)} of {rows} submitted; rename -> last submit {span:.2f} s ({len(times)/span:,.0f} msg/s); "
      f"SMSC-side {(len(times)-1)/(max(times)-min(times)):,.0f} submits/s; daemon CPU {cpu:.2f} s ({cpu*1000/len(times):.2f} ms a message, "
      f"{cpu/span:.2f} cores); daemon peak resident {hwm} MB")
PY
kill -TERM $pid; wait $pid || true
