# Shared set-up for the daemon benchmarks: a release build, a scratch spool under
# .build/bench-daemon, a config, and helpers. Sourced, not run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
swift build -c release --scratch-path "$root/.build-bench" --product remindd >/dev/null
swift build -c release --scratch-path "$root/.build-bench" --product remindctl >/dev/null
bin=$(swift build -c release --scratch-path "$root/.build-bench" --show-bin-path)
work=$root/.build/bench-daemon/$(basename "$0" .sh)
rm -rf "$work"; mkdir -p "$work/spool/inbox" "$work/templates"
cp spool.example/templates/*.mustache "$work/templates/"

# write_config STAGGER LEAD WINDOW
write_config() {
cat > "$work/remindd.toml" <<TOML
[practice]
name = "Harbour Dental"
phone = "02 9999 0000"
time_zone = "UTC"
[spool]
root = "$work/spool"
[templates]
directory = "$work/templates"
[schedule]
stagger = "$1"
lead = "$2"
windows = ["$3"]
drain_warning = "30d"
[control]
socket = "$work/control.sock"
[log]
level = "warning"
target = "console"
TOML
}

# write_export ROWS START_EPOCH FILE: ROWS appointments at START (UTC), distinct numbers.
write_export() {
python3 - "$1" "$2" "$3" <<'PY'
import sys, datetime
rows, start, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t = datetime.datetime.fromtimestamp(start, datetime.timezone.utc)
with open(path, "w") as f:
    f.write("AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n")
    for i in range(rows):
        f.write(f"B-{i},Pat,Doe,04{i:08d},{t:%Y-%m-%d},{t:%H:%M},Dr Patel,3,Scheduled\n")
PY
}
