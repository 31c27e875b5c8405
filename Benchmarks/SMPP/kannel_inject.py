#!/usr/bin/env python3
"""Queues COUNT messages in Kannel through smsbox's sendsms (HTTP on 127.0.0.1:PORT), the
same numbers and text as SMPPBenchmark gives remindd's provider. Run before the SMSC is up,
so bearerbox holds them all ("Queued for later delivery") and its SMPP rate is measured
alone once the SMSC starts. Prints "queued N failed M"; exits 1 if any failed."""
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

port, count = int(sys.argv[1]), int(sys.argv[2])
text = "Hi Ann, see you Tue 10:30 with Dr Lee. Harbour Dental"


def send(i):
    query = urllib.parse.urlencode({"username": "bench", "password": "bench", "from": "Bench",
                                    "to": f"+6141234{i % 6000 + 1000}", "text": text})
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/cgi-bin/sendsms?{query}", timeout=30) as r:
        body = r.read().decode()
    return "Queued" in body or "Sent" in body


with ThreadPoolExecutor(16) as pool:
    results = list(pool.map(send, range(count)))
ok = sum(results)
print(f"queued {ok} failed {count - ok}")
sys.exit(0 if ok == count else 1)
