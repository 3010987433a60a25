"""A fake SMS gateway for tests: a real HTTP server on 127.0.0.1, in a thread.

It speaks the protocol of jisr.notifications.channels.HttpSmsBackend (JSON POST, bearer
token), records every message it accepts, and fails on demand::

    def test_x(sms_gateway):
        sms_gateway.fail_next(2, status=503, body="busy")   # the next two requests fail
        ...
        assert sms_gateway.messages[0]["to"] == "+212612345678"

The ``sms_gateway`` fixture points the settings (JISR_SMS_BACKEND=http, the URL and the
token) at it. Browser tests and other processes can reach it too: it is a real socket.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "fake-gateway-token"


class FakeSmsGateway:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.messages: list[dict] = []  # accepted messages, in order
        self.requests: list[dict] = []  # every request: headers and body as received
        self._failures: list[tuple[int, str]] = []
        self._delay = 0.0
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                gateway._handle(self)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="fake-sms-gateway")

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/messages"

    def start(self) -> FakeSmsGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, count: int = 1, *, status: int = 503,
                  body: str = '{"error": "temporarily unavailable"}') -> None:
        """The next ``count`` requests are answered with ``status`` and ``body``."""
        with self._lock:
            self._failures.extend([(status, body)] * count)

    def delay(self, seconds: float) -> None:
        """Answer every request after ``seconds`` (to test client time-outs)."""
        self._delay = seconds

    def texts_to(self, number: str) -> list[str]:
        return [m["text"] for m in self.messages if m["to"] == number]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        if self._delay:
            time.sleep(self._delay)
        with self._lock:
            self.requests.append({"path": handler.path, "headers": dict(handler.headers),
                                  "body": raw})
            failure = self._failures.pop(0) if self._failures else None
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._answer(handler, 401, {"error": "bad token"})
        if failure:
            return self._answer(handler, failure[0], failure[1])
        try:
            message = json.loads(raw)
            assert isinstance(message, dict) and message.get("to") and message.get("text")
        except (ValueError, AssertionError):
            return self._answer(handler, 400, {"error": "to and text are required"})
        with self._lock:
            self.messages.append(message)
            number = len(self.messages)
        self._answer(handler, 201, {"id": f"fake-{number}", "status": "accepted"})

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, body) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        # The client may have given up already (a time-out test).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(data)


@pytest.fixture
def sms_gateway(settings):
    """Points the SMS backend at a fake gateway on 127.0.0.1; yields the gateway."""
    gateway = FakeSmsGateway().start()
    settings.JISR_SMS_BACKEND = "http"
    settings.JISR_SMS_GATEWAY_URL = gateway.url
    settings.JISR_SMS_GATEWAY_TOKEN = gateway.token
    settings.JISR_SMS_GATEWAY_TIMEOUT = 5
    yield gateway
    gateway.stop()
