"""A test LMS for SCORM: serves scorm-again (npm) as the SCORM 1.2 runtime, the unzipped dispatch package
as its SCO, and records what the runtime commits. Stdlib HTTP on 127.0.0.1, port chosen by the OS."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
SITE = Path(__file__).resolve().parent / "lms_site"


class ScormLms:
    def __init__(self, package_dir: Path) -> None:
        self.commits: list[dict] = []
        lms = self

        class Handler(SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                path = path.split("?", 1)[0]
                if path.startswith("/scorm-again/"):
                    return str(SCORM_AGAIN / path.removeprefix("/scorm-again/"))
                if path.startswith("/sco/"):
                    return str(package_dir / path.removeprefix("/sco/"))
                return str(SITE / path.lstrip("/"))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path.startswith("/commit"):
                    lms.commits.append(json.loads(body or b"{}"))
                answer = json.dumps({"result": True, "errorCode": 0}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler))
        self._server.daemon_threads = True
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def last(self, name: str) -> str | None:
        for commit in reversed(self.commits):
            if name in commit:
                return commit[name]
        return None

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
