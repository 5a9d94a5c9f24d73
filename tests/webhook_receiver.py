"""A real HTTP receiver for webhook tests: a tiny http.server on a free loopback port, in a thread.

It checks signatures the way docs/webhooks.md tells customers to (its own HMAC code, not the
product's), answers with the status codes it is told to, in turn, and keeps every request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW = "slow"  # an answer that comes after the sender's read timeout


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def timestamp(self) -> int:
        return int(dict(part.split("=", 1) for part in self.headers["PrimeSync-Signature"].split(","))["t"])

    @property
    def signatures(self) -> list[str]:
        parts = [part.split("=", 1) for part in self.headers["PrimeSync-Signature"].split(",")]
        return [value for key, value in parts if key == "v1"]

    def signed_with(self, secret: str) -> bool:
        expected = hmac.new(secret.encode(), f"{self.timestamp}.".encode() + self.body, hashlib.sha256).hexdigest()
        return any(hmac.compare_digest(expected, s) for s in self.signatures)


class Receiver:
    def __init__(self, *, slow_seconds: float = 2.0):
        self.answers: list = []  # status codes (or SLOW) for the next requests, in turn; then 200
        self.requests: list[Received] = []
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(Received(dict(self.headers.items()), body, time.time()))
                    answer = receiver.answers.pop(0) if receiver.answers else 200
                if answer == SLOW:
                    time.sleep(receiver.slow_seconds)
                    answer = 200
                self.send_response(answer)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answered {answer}".encode())

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/primesync"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
