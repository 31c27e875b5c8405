#!/usr/bin/env bash
# Memory per input: for each of the inbox's formats at its worst shape, a fresh daemon
# (release build, outbox provider, nothing else in the spool) ingests one file, and its
# peak resident memory (VmHWM) is read once the file is archived or rejected.
#   csv-line    one 50 MB CSV line (a field with no line break: an exporter's bug)
#   csv-quote   a quote opened and never closed, 50 MB after it
#   csv-rows    a 64 MB CSV of ordinary rows (the size limit)
#   jsonl-line  one 50 MB JSON Lines line
#   recall-line one 50 MB line in a recall list (CSV, read whole)
#   recall-rows a 64 MB recall list of ordinary rows (the size limit; lists are read whole)
#   hl7         a 64 MB HL7 file of SIU^S12 messages (the size limit)
# Usage: input-memory.sh [CASE…] (default: all). BIN=dir runs other binaries.
source "$(dirname "$0")/common.sh"
bin=${BIN:-$bin}
cases=${*:-csv-line csv-quote csv-rows jsonl-line recall-line recall-rows hl7}
write_config 0 1d "mon-sun 00:00-24:00"
cat >> "$work/remindd.toml" <<TOML
[inbox]
max_size = "64M"
[[source]]
name = "book"
kind = "appointment"
pattern = "*.csv"
[[source]]
name = "book-json"
kind = "appointment"
format = "jsonl"
pattern = "*.jsonl"
[[source]]
name = "pas"
kind = "appointment"
format = "hl7"
pattern = "*.hl7"
[[source]]
name = "recalls"
kind = "recall"
pattern = "recall*.txt"
date_format = "yyyy-MM-dd"
TOML
make_input() {  # CASE FILE
python3 - "$1" "$2" <<'PY'
import sys, datetime
case, path = sys.argv[1], sys.argv[2]
day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
hdr = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
with open(path, "w") as f:
    if case == "csv-line":
        f.write(hdr + f"A-1,Ann,Lee,0412345678,{day},09:00,Dr Patel,3,Scheduled\n")
        f.write("A-2," + "x" * (50 << 20) + f",Lee,0412345679,{day},09:00,Dr Patel,3,Scheduled\n")
        f.write(f"A-3,Cy,Lee,0412345670,{day},09:00,Dr Patel,3,Scheduled\n")
    elif case == "csv-quote":
        f.write(hdr + f"A-1,Ann,Lee,0412345678,{day},09:00,Dr Patel,3,Scheduled\n")
        f.write('A-2,"Bob' + ("y" * 100 + "\n") * ((50 << 20) // 101))
    elif case == "csv-rows":
        f.write(hdr)
        i = 0
        while f.tell() < (63 << 20):
            f.write(f"R-{i},Pat,Doe,04{i % 100000000:08d},{day},09:00,Dr Patel,3,Scheduled\n"); i += 1
    elif case == "jsonl-line":
        f.write('{"AppointmentID":"J-1","FirstName":"Ann","Mobile":"0412345678","Date":"%s","Time":"09:00"}\n' % day)
        f.write('{"AppointmentID":"J-2","FirstName":"' + "x" * (50 << 20) + '","Mobile":"0412345679","Date":"%s","Time":"09:00"}\n' % day)
    elif case == "recall-line":
        f.write("PatientID,FirstName,LastName,Mobile,DueDate,Reason\n")
        f.write(f"P-1,Ann,Lee,0412345678,{day},Check-up\n")
        f.write("P-2," + "x" * (50 << 20) + f",Lee,0412345679,{day},Check-up\n")
    elif case == "recall-rows":
        f.write("PatientID,FirstName,LastName,Mobile,DueDate,Reason\n")
        i = 0
        while f.tell() < (63 << 20):
            f.write(f"P-{i},Pat,Doe,04{i % 100000000:08d},{day},Check-up\n"); i += 1
    elif case == "hl7":
        d = day.replace("-", "")
        i = 0
        while f.tell() < (63 << 20):
            f.write(f"MSH|^~\\&|PAS|CLINIC|REMINDD|CLINIC|20240101120000||SIU^S12|M{i}|P|2.5\r"
                    f"SCH||A{i}^PAS|||||||||^^^{d}0900|||||||||||||||Booked\r"
                    f"PID|1||P{i}||Doe^Pat||19800101|F|||||^PRN^CP^^^^^^^^^04{i % 100000000:08d}\r"
                    f"AIP|1||D1^Patel^Raj^^^Dr\r")
            i += 1
PY
}
ext() { case $1 in csv-*) echo csv;; jsonl-*) echo jsonl;; recall-*) echo txt;; hl7) echo hl7;; esac; }
printf '%-12s %8s %10s %8s  %s\n' case "size" "peak RSS" "seconds" outcome
for c in $cases; do
  rm -rf "$work/spool"; mkdir -p "$work/spool/inbox"
  name=$(case $c in recall-*) echo "recall-$c";; *) echo "$c";; esac).$(ext "$c")
  make_input "$c" "$work/$name"
  size=$(du -m "$work/$name" | cut -f1)
  "$bin/remindd" --config "$work/remindd.toml" >"$work/daemon.log" 2>&1 & pid=$!
  for _ in $(seq 1 600); do grep -q "remindd started" "$work/daemon.log" && break; sleep 0.1; done
  t0=$(date +%s.%N)
  mv "$work/$name" "$work/spool/inbox/$name"
  outcome=timeout
  for _ in $(seq 1 1200); do
    if ls "$work/spool/archive" 2>/dev/null | grep -q .; then outcome=archived; break; fi
    if ls "$work/spool/rejected" 2>/dev/null | grep -q '\.reason$'; then outcome=rejected; break; fi
    kill -0 $pid 2>/dev/null || { outcome="daemon exited"; break; }
    sleep 0.25
  done
  t1=$(date +%s.%N)
  peak=$(awk '/VmHWM/ {print int($2/1024) " MB"}' /proc/$pid/status 2>/dev/null || echo "-")
  rows=$(grep -c "row rejected" "$work/daemon.log" || true)
  kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  printf '%-12s %6s MB %10s %8.1f  %s, %s row(s) rejected\n' "$c" "$size" "$peak" "$(echo "$t1 - $t0" | bc)" "$outcome" "$rows"
done
