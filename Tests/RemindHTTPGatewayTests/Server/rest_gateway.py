#!/usr/bin/env python3
"""A small REST SMS gateway for RemindHTTPGatewayTests (Python's http.server).

Each request gets the next answer of --answers (comma-separated), the last one repeating:
  ok        200 {"messages": [{"id": "gw-<n>"}]}
  ok-text   200 text "Message queued as ABC<n>"
  429       429 with Retry-After: 7, {"error": {"code": "THROTTLED"}}
  500       500 {"error": {"code": "INTERNAL"}}
  400       400 {"error": {"code": "INVALID_NUMBER"}}
  reset     reads the whole request, then resets the connection (RST) without answering
  hang      reads the whole request and never answers
GET /balance* answers {"account": {"balance": 84.5}} (or the number in --balance-file, read at
each request, so a test can change it) to "Authorization: Bearer tok-secret-1", else 401
{"error": {"code": "BAD_TOKEN"}}. Every request is logged as a JSON line (method, path, headers, body) to --log; a
"ready" line is written once it listens.
"""
import argparse, http.server, json, socket, struct, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--answers", default="ok")
parser.add_argument("--balance-file")
args = parser.parse_args()
answers = args.answers.split(",")
lock = threading.Lock()
count = [0]


def log(entry):
    with lock, open(args.log, "a") as f:
        f.write(json.dumps(entry) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/balance"):
            # The balance, for test-provider: outside the script of answers.
            good = self.headers.get("Authorization") == "Bearer tok-secret-1"
            log({"event": "balance", "path": self.path, "good": good})
            balance = 84.5
            if args.balance_file:
                with open(args.balance_file) as f:
                    balance = float(f.read().strip())
            log({"event": "balance-answer", "balance": balance})
            data = json.dumps({"account": {"balance": balance}} if good else {"error": {"code": "BAD_TOKEN"}}).encode()
            self.send_response(200 if good else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        with lock:
            n = count[0]
            count[0] += 1
        answer = answers[min(n, len(answers) - 1)]
        log({"event": "request", "n": n, "method": self.command, "path": self.path,
             "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode("utf-8", "replace"), "answer": answer})
        if answer == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if answer == "hang":
            time.sleep(3600)
            return
        status, headers, payload = {
            "ok": (200, {}, json.dumps({"messages": [{"id": "gw-%d" % n, "status": "queued"}]})),
            "ok-text": (200, {}, "Message queued as ABC%d" % n),
            "429": (429, {"Retry-After": "7"}, json.dumps({"error": {"code": "THROTTLED"}})),
            "500": (500, {}, json.dumps({"error": {"code": "INTERNAL"}})),
            "400": (400, {}, json.dumps({"error": {"code": "INVALID_NUMBER", "message": "not a mobile"}})),
        }[answer]
        data = payload.encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json" if payload.startswith("{") else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = handle_one


server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
server.daemon_threads = True
log({"event": "ready"})
server.serve_forever()
