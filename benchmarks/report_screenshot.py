"""Open report.html in headless Chromium, fail on any console error or failed load, save a screenshot.

Not run in CI (it needs Chromium: `apt-get install -y chromium`). Drives Chromium over the
DevTools protocol on a pipe (--remote-debugging-pipe: no port, no network), and records:

- console messages and uncaught exceptions (Runtime.consoleAPICalled / exceptionThrown),
- browser log entries (Log.entryAdded: failed resource loads, CSP and security errors),
- failed requests (Network.loadingFailed) and any request that is not file: or data: (network use),
- images that did not decode (naturalWidth 0) or are wider than the page.

Usage:
    python benchmarks/report_screenshot.py RELEASE_OR_REPORT_FOLDER [...] [--out DIR]
    python benchmarks/report_screenshot.py --embedded --synthetic 10000 --out /tmp/shots

--embedded builds the embedded corpus (raw/) into a temporary dist; --synthetic N writes a
release-like folder of N generated documents (tests/synthetic_release.py) and renders its report.
Exit status 1 if any page had a problem.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--remote-debugging-pipe",
]


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies and events out)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        # Chromium reads commands on fd 3 and writes on fd 4: put the pipe ends there for the spawn only.
        saved: dict[int, int | None] = {}
        for fd in (3, 4):
            try:
                saved[fd] = os.dup(fd)
            except OSError:
                saved[fd] = None
        ends = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(ends[0], 3)
        os.dup2(ends[1], 4)
        try:
            self.proc = subprocess.Popen(
                [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
        finally:
            for fd, copy in saved.items():
                if copy is None:
                    os.close(fd)
                else:
                    os.dup2(copy, fd)
                    os.close(copy)
            for end in ends:
                os.close(end)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.events.append(self._read_message())

    def close(self) -> str:
        with contextlib.suppress(RuntimeError):
            self.send("Browser.close")
        try:
            _, stderr = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, stderr = self.proc.communicate()
        return stderr.decode("utf-8", "replace")


def problems_in(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            found.append(f"console.{params['type']}: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            found.append(f"log {params['entry']['level']}: {params['entry']['text']} {params['entry'].get('url', '')}")
        elif method == "Network.loadingFailed":
            found.append(f"load failed: {params.get('errorText')} (request {params.get('requestId')})")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("file:", "data:")):
                found.append(f"network request: {url}")
    return found


def check_page(binary: str, page: Path, screenshot: Path, width: int = 900) -> list[str]:
    profile = Path(tempfile.mkdtemp(prefix="masthead-chromium-"))
    browser = Browser(binary, profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.events.clear()
        browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        images = browser.send("Runtime.evaluate", {"expression": "JSON.stringify(Array.from(document.images).map("
                              "i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight, "
                              "i.getBoundingClientRect().width]))", "returnByValue": True}, session=session)
        problems = problems_in(browser.events)
        shown = json.loads(images["result"]["value"])
        for src, complete, natural_w, _natural_h, rendered_w in shown:
            if not complete or natural_w == 0:
                problems.append(f"image did not load: {src}")
            elif rendered_w > width:
                problems.append(f"image wider than the page: {src} ({rendered_w} px)")
        metrics = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": metrics["height"], "scale": 1},
        }, session=session)
        import base64

        screenshot.write_bytes(base64.b64decode(shot["data"]))
        print(f"{page}: {len(shown)} images, page {width}x{metrics['height']:.0f} css px, screenshot {screenshot}")
        return problems
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def embedded_release(work: Path) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600")}
    subprocess.run([sys.executable, "-m", "masthead", "build", "--dist", str(work / "dist")], cwd=REPO, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return next((work / "dist").glob("*/*/report.html")).parent


def synthetic_release(work: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "tests"))
    from masthead.insight import write_report
    from synthetic_release import make_release  # type: ignore[import-not-found]

    folder = make_release(work / f"synthetic-{n}", n)
    write_report(folder)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="folders holding report.html")
    parser.add_argument("--embedded", action="store_true", help="build the embedded corpus and check its report")
    parser.add_argument("--synthetic", type=int, default=0, help="generate N documents and check their report")
    parser.add_argument("--out", type=Path, default=Path("report-screenshots"), help="where screenshots go")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="masthead-report-check-"))
    folders = list(args.folders)
    if args.embedded:
        folders.append(embedded_release(work))
    if args.synthetic:
        folders.append(synthetic_release(work, args.synthetic))
    failed = 0
    for index, folder in enumerate(folders):
        shot = args.out / f"report-{index}-{folder.name}.png"
        for figure in sorted((folder / "figures").glob("*.png")):
            shutil.copyfile(figure, args.out / f"report-{index}-{figure.name}")
        problems = check_page(args.chromium, folder / "report.html", shot)
        for problem in problems:
            print(f"  PROBLEM {problem}")
        failed += bool(problems)
    print(f"{len(folders) - failed} of {len(folders)} reports opened without console errors; copies of the figures "
          f"and screenshots are in {args.out}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
