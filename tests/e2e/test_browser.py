"""Every HTML report opened in a real browser: headless Chromium (Debian's `chromium`
package; `.ci/run` installs it) loads each report of the fixture repository, and the test
fails on any console message, script error, failed resource or request leaving the file;
a screenshot of each report (1200 × 2000) is saved under the test's tmp_path.

The browser is driven through the DevTools protocol over a pipe
(`--remote-debugging-pipe`: JSON messages ending in NUL on file descriptors 3 and 4), so
no extra package is needed. Skipped when Chromium is not installed, unless the CI
environment variable is set: then it must run.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from itsm_cli.reports.registry import REPORTS
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

WIDTH, HEIGHT = 1200, 2000
TIMEOUT = 30.0
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    f"--window-size={WIDTH},{HEIGHT}",
)


def chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI is set but chromium is not installed (.ci/run installs Debian's chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")


class Browser:
    """Headless Chromium driven over the DevTools pipe; one page (target) at a time."""

    def __init__(self, executable: str, workdir: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def on_fds_3_and_4() -> None:  # runs in the child, before exec
            a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.log = workdir / "chromium.log"
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    executable,
                    *FLAGS,
                    f"--user-data-dir={workdir / 'profile'}",
                    "--remote-debugging-pipe",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(3, 4),
                preexec_fn=on_fds_3_and_4,  # the test process runs no threads
            )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its result (events meanwhile go to `events`)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = self._receive(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait_for(self, event: str, session: str) -> dict[str, Any]:
        return self._receive(lambda m: m.get("method") == event and m.get("sessionId") == session)

    def _receive(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message: dict[str, Any] = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"Chromium did not answer in {TIMEOUT:g} s; see {self.log}")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise AssertionError(f"Chromium closed the pipe; see {self.log}")
                self._buffer += chunk

    def open(self, url: str, screenshot: Path, script: str | None = None) -> list[str]:
        """Load `url` in a fresh page, save a PNG screenshot, and return the problems seen:
        console messages, exceptions, error log entries, requests for anything but `url`;
        and, when given, the strings the JavaScript expression `script` returns (a list)."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        start = len(self.events)
        self.call("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        shot = self.call("Page.captureScreenshot", session, format="png")
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        found: list[str] = []
        if script is not None:
            answer = self.call("Runtime.evaluate", session, expression=script, returnByValue=True)
            found = list(answer["result"]["value"])
        self.call("Target.closeTarget", targetId=target)
        return [
            problem
            for event in self.events[start:]
            if event.get("sessionId") == session
            for problem in [_problem(event, url)]
            if problem
        ] + found

    def close(self) -> None:
        try:
            self._next_id += 1
            message = {"id": self._next_id, "method": "Browser.close", "params": {}}
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)


def _problem(event: dict[str, Any], url: str) -> str | None:
    method, params = event["method"], event.get("params", {})
    if method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        return f"uncaught: {details.get('exception', {}).get('description') or details['text']}"
    if method == "Runtime.consoleAPICalled":
        args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
        return f"console.{params['type']}: {args}"
    if method == "Log.entryAdded" and params["entry"]["level"] == "error":
        entry = params["entry"]
        return f"{entry['source']} error: {entry['text']} {entry.get('url', '')}".strip()
    # A data: URI (the cover's embedded logo) is part of the page, not a request elsewhere.
    requested = params.get("request", {}).get("url", "")
    if method == "Network.requestWillBeSent" and requested != url and not requested.startswith(
        "data:"
    ):
        return f"request for {params['request']['url']}"
    if method == "Network.loadingFailed":
        return f"loading failed: {params.get('errorText')}"
    return None


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    session = Browser(chromium(), tmp_path_factory.mktemp("chromium"))
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def html_reports(reports: Reports, tmp_path: Path) -> Path:
    """Every report of the fixture repository as HTML, in tmp_path/html."""
    out = tmp_path / "html"
    reports.ok("all", "--out-dir", str(out), "--quiet", fmt="html")
    return out


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_opens_in_chromium_without_errors(
    name: str, browser: Browser, html_reports: Path, tmp_path: Path
) -> None:
    page = html_reports / f"{name}.html"
    screenshot = tmp_path / "screenshots" / f"{name}.png"
    screenshot.parent.mkdir()
    problems = browser.open(page.as_uri(), screenshot)
    assert problems == [], f"{name}.html in Chromium: {problems}"
    data = screenshot.read_bytes()
    assert png_size(data) == (WIDTH, HEIGHT)
    # A blank page of this size compresses to a few kilobytes; a rendered report with
    # tables and charts is many times that.
    assert len(data) > 40_000, f"{screenshot} looks empty ({len(data)} bytes)"


def test_browser_check_catches_errors_and_external_requests(
    browser: Browser, tmp_path: Path
) -> None:
    """The check itself: a page with a script error, an external stylesheet and a broken
    SVG attribute is caught (so a passing report test means something)."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><link rel='stylesheet' href='http://127.0.0.1:9/x.css'>"
        "</head><body><svg xmlns='http://www.w3.org/2000/svg'><rect width='x' height='1'/>"
        "</svg><script>console.error('boom'); missing();</script></body></html>"
    )
    problems = browser.open(page.as_uri(), tmp_path / "bad.png")
    joined = "\n".join(problems)
    assert "console.error: boom" in joined
    assert "uncaught: ReferenceError: missing is not defined" in joined
    assert "request for http://127.0.0.1:9/x.css" in joined
    assert "rendering error: Error: <rect> attribute width" in joined


LAYOUT_PROBLEMS = r"""
(() => {
  const problems = [];
  const page = document.querySelector('main').getBoundingClientRect();
  for (const table of document.querySelectorAll('table')) {
    const box = table.getBoundingClientRect();
    if (box.right > page.right + 1) {
      const over = Math.round(box.right - page.right);
      problems.push(`table ${table.id || table.className} runs ${over} px off the page`);
    }
  }
  const dates = [...document.querySelectorAll('td')].filter(
    td => /^\d{4}-(\d\d|Q\d)(-\d\d)?$/.test(td.textContent.trim()));
  for (const id of [...document.querySelectorAll('code, .id'), ...dates]) {
    if (id.closest('td.location')) continue;
    const text = document.createRange();
    text.selectNodeContents(id);
    const lines = new Set([...text.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) problems.push(`'${id.textContent}' is broken across lines`);
  }
  return problems;
})()
"""


@pytest.fixture
def example_reports(reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every report of the example records (records/ of this repository) as HTML."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "examples"
    reports.ok("all", "--out-dir", str(out), "--quiet", fmt="html")
    return out


@pytest.mark.parametrize("name", list(REPORTS))
@pytest.mark.parametrize("repository", ["html_reports", "example_reports"])
def test_report_tables_fit_the_page_and_ids_stay_whole(
    name: str, repository: str, browser: Browser, tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """No table runs off the page, and no record id, reference, period or date is broken at
    one of its hyphens ("SUP-" above "SKYLINE-FIBRE", "2026-" above "10"), in the reports of
    the test fixture and of the example records."""
    page = request.getfixturevalue(repository) / f"{name}.html"
    problems = browser.open(page.as_uri(), tmp_path / f"{name}.png", LAYOUT_PROBLEMS)
    assert problems == [], f"{name}.html in Chromium: {problems}"
