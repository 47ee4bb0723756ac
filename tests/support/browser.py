"""A real headless Chromium, driven over the DevTools protocol on a pipe (no download, no driver).

`--remote-debugging-pipe` makes Chromium read protocol messages from fd 3 and answer on fd 4,
each a JSON object ended by a NUL byte; no WebSocket client is needed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def available() -> bool:
    return Path(CHROMIUM).exists()


@dataclass
class Loaded:
    """A page after its load event: what it logged and how wide it is."""

    console: list[str] = field(default_factory=list)
    """Console messages and browser log entries at warning level or above (errors, CSP refusals)."""
    scroll_width: int = 0
    text: str = ""


class Browser:
    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int) -> None:
        self._process = process
        self._out = to_browser
        self._in = os.fdopen(from_browser, "rb")
        self._next = 0
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._buffer = b""

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        with self._lock:
            self._next += 1
            ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == ident:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self._events.append(answer)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._in.read1(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def _wait_for(self, method: str, session: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self._events:
                if event.get("method") == method and event.get("sessionId") == session:
                    self._events.remove(event)
                    return event
            self._events.append(self._read())
        raise TimeoutError(method)

    def load(self, url: str, width: int, height: int = 900, screenshot: Path | None = None) -> Loaded:
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self._send(f"{domain}.enable", session=session)
        self._send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            session=session,
        )
        self._send("Page.navigate", {"url": url}, session=session)
        self._wait_for("Page.loadEventFired", session)
        measured = self._send(
            "Runtime.evaluate",
            {
                "expression": "[document.documentElement.scrollWidth, document.body.innerText]",
                "returnByValue": True,
            },
            session=session,
        )["result"]["value"]
        if screenshot is not None:
            shot = self._send(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        console = [
            json.dumps(e["params"])
            for e in self._events
            if e.get("sessionId") == session
            and (
                (
                    e.get("method") == "Runtime.consoleAPICalled"
                    and e["params"].get("type") in ("error", "warning", "assert")
                )
                or (
                    e.get("method") == "Log.entryAdded"
                    and e["params"]["entry"].get("level") in ("error", "warning")
                )
                or e.get("method") == "Runtime.exceptionThrown"
            )
        ]
        self._send("Target.closeTarget", {"targetId": target})
        return Loaded(console=console, scroll_width=int(measured[0]), text=str(measured[1]))


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    """The pipe's ends moved above fd 10, so placing them at 3 and 4 in the child clobbers neither."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved[0], moved[1]


@contextmanager
def chromium() -> Iterator[Browser]:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    to_browser_r, to_browser_w = _high(os.pipe())
    from_browser_r, from_browser_w = _high(os.pipe())
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # tests run as root in containers, where the sandbox cannot start
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
        "about:blank",
    ]

    def wire_fds() -> None:
        os.dup2(to_browser_r, 3)
        os.dup2(from_browser_w, 4)

    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(3, 4, to_browser_r, from_browser_w),
        preexec_fn=wire_fds,  # noqa: PLW1509 - only dup2 between fork and exec
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    try:
        yield Browser(process, to_browser_w, from_browser_r)
    finally:
        os.close(to_browser_w)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
