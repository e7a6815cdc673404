"""A small HTTP server on 127.0.0.1 for the fetch tests: serves a directory,
honours "Range: bytes=N-" (206) as Alpine's mirrors do, can cut the
connection after a number of body bytes of one response (a dropped
download), and records every request (path, Range header, bytes sent)."""

import http.server
import os
import threading


class Server:
    def __init__(self, root):
        self.root = root
        self.requests = []
        self.cut_after = {}  # path -> bytes; the next response to it is cut there
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = os.path.join(server.root, self.path.lstrip("/"))
                record = {"path": self.path, "range": self.headers.get("Range"), "sent": 0}
                server.requests.append(record)
                if not os.path.isfile(path):
                    self.send_error(404)
                    return
                size = os.path.getsize(path)
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes=") and rng.endswith("-"):
                    start = int(rng[len("bytes="):-1])
                    if start >= size:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(size - start))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                limit = server.cut_after.pop(self.path, None)
                with open(path, "rb") as f:
                    f.seek(start)
                    remaining = size - start if limit is None else min(limit, size - start)
                    while remaining > 0:
                        block = f.read(min(65536, remaining))
                        self.wfile.write(block)
                        record["sent"] += len(block)
                        remaining -= len(block)
                if limit is not None:
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
