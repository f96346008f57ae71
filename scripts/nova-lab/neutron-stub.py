"""Neutron stand-in on 127.0.0.1:9696. nova-api asks neutron for the ports of every server it shows
(security groups) and for network info on reboot; the lab boots servers with "networks": "none", so an
empty list for every GET is the true answer. Writes are refused (501)."""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0].rstrip("/")
        if path in ("", "/"):
            return self._send(200, {"versions": [{"id": "v2.0", "status": "CURRENT",
                                                  "links": [{"rel": "self", "href": "http://127.0.0.1:9696/v2.0/"}]}]})
        m = re.match(r"^(?:/v2\.0)?/([a-z0-9_-]+)(?:\.json)?(?:/([^/]+))?$", path)
        if m and not m.group(2):
            return self._send(200, {m.group(1).replace("-", "_"): []})
        return self._send(404, {"NeutronError": {"type": "NotFound", "message": "stand-in: not found", "detail": ""}})

    def do_POST(self):
        self._send(501, {"NeutronError": {"type": "NotImplemented", "message": "neutron stand-in", "detail": ""}})

    do_PUT = do_POST

    def do_DELETE(self):
        self._send(204, {})

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))
        sys.stderr.flush()


ThreadingHTTPServer(("127.0.0.1", 9696), Handler).serve_forever()
