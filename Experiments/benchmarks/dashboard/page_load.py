#!/usr/bin/env python3
"""Loads a dashboard page in headless Chromium (the Debian package) LOADS times, each in a fresh
browser and profile, and prints, per load, the page's own figures once it marks every chart drawn:
<body data-drawn-ms> and data-history-ms (ms after the navigation started, the page's
performance.now()). Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
NUL-separated JSON on file descriptors 3 and 4), so it needs nothing beyond Python's standard library.

    page_load.py URL [LOADS]      # prints "drawn_ms history_ms" per load; exit 1 when a load times out
Any console message of the page is printed to standard error."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="hpo-page-load-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        def fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.read()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        self.process.kill()
        self.process.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)


def load(url, timeout=60):
    browser = Browser()
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Runtime.enable", session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = browser.send("Runtime.evaluate", {
                "expression": "document.body && document.body.dataset.charts === 'drawn' ? "
                              "[document.body.dataset.drawnMs, document.body.dataset.historyMs].join(' ') : ''",
                "returnByValue": True}, session=session)["result"].get("value")
            if value:
                for event in browser.events:
                    if event.get("method") == "Runtime.consoleAPICalled":
                        args = event["params"]["args"]
                        print("console:", " ".join(str(a.get("value", a.get("description"))) for a in args), file=sys.stderr)
                    if event.get("method") == "Runtime.exceptionThrown":
                        print("exception:", event["params"]["exceptionDetails"].get("text"), file=sys.stderr)
                return value
            time.sleep(0.05)
        return None
    finally:
        browser.close()


if __name__ == "__main__":
    url = sys.argv[1]
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        figures = load(url)
        if figures is None:
            print(f"page_load: {url} did not mark every chart drawn within 60 s", file=sys.stderr)
            sys.exit(1)
        print(figures, flush=True)
