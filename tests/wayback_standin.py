"""A stand-in for the Internet Archive on loopback: the availability API and capture replay.

It keeps real state (captures per original URL, each with its timestamp and the page as
recorded) and speaks the real protocol: ``/wayback/available?url=U&timestamp=T`` answers the
capture closest to ``T`` in the API's JSON (``{"archived_snapshots": {}}`` when there is
none); ``/web/<ts>id_/<url>`` replays a capture as recorded, and ``/web/<ts>/<url>`` replays it
rewritten with a toolbar, as the real Wayback Machine does. A timestamp that is not exactly a
capture's redirects to the closest one, also like the real one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from fetch_site import Site, _Handler

TOOLBAR = b"<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id='wm-ipp'>Wayback Machine</div><!-- END WAYBACK TOOLBAR INSERT -->"
_REPLAY = re.compile(r"^/web/(\d{14})(id_)?/(.+)$")


@dataclass
class WaybackStandIn:
    site: Site
    captures: dict[str, dict[str, bytes]] = field(default_factory=dict)  # original URL -> timestamp -> page
    asked: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.site.route("/wayback/available", self._available)
        self.site.route("/web/*", self._replay)

    @property
    def endpoint(self) -> str:
        return self.site.url("/wayback/available")

    def capture(self, url: str, timestamp: str, page: bytes | str) -> None:
        self.captures.setdefault(url, {})[timestamp] = page.encode() if isinstance(page, str) else page

    def _closest(self, url: str, timestamp: str | None) -> str | None:
        stamps = sorted(self.captures.get(url, {}))
        if not stamps:
            return None
        wanted = int((timestamp or "99991231235959").ljust(14, "0")[:14])
        return min(stamps, key=lambda s: (abs(int(s) - wanted), s))

    def _available(self, handler: _Handler) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        self.asked.append(query)
        stamp = self._closest(query.get("url", ""), query.get("timestamp"))
        snapshots: dict[str, object] = {}
        if stamp is not None:
            snapshots["closest"] = {"status": "200", "available": True, "timestamp": stamp,
                                    "url": self.site.url(f"/web/{stamp}/{query['url']}")}
        body = json.dumps({"url": query.get("url"), "archived_snapshots": snapshots}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.send(body)

    def _replay(self, handler: _Handler) -> None:
        match = _REPLAY.match(handler.path)
        original = match.group(3) if match else ""
        stamp = self._closest(original, match.group(1)) if match else None
        if match is None or stamp is None:
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if stamp != match.group(1):
            handler.send_response(302)
            handler.send_header("Location", f"/web/{stamp}{match.group(2) or ''}/{original}")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        page = self.captures[original][stamp]
        body = page if match.group(2) else page.replace(b"<body>", b"<body>" + TOOLBAR, 1)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.send(body)
