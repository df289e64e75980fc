"""A real browser for the web suites: Debian's chromium, headless, driven over the Chrome
DevTools Protocol (its WebSocket) with python3-websockets — no Selenium or driver binary."""

import asyncio
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

import websockets


class Chromium:
    """One headless chromium with one page. Use as a context manager."""

    def __init__(self, lang="en-US", timeout=60):
        self.lang = lang
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="eport-chromium-")
        self.proc = None
        self.loop = asyncio.new_event_loop()
        self.ws = None
        self.next_id = 1
        self.console = []  # console messages and exceptions of the page (for failure messages)

    def __enter__(self):
        program = shutil.which("chromium")
        assert program, "chromium is not installed (scripts/deps installs it)"
        self.log = open(os.path.join(self.profile, "chromium.log"), "w")
        self.proc = subprocess.Popen(
            [program, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", f"--lang={self.lang}", f"--accept-lang={self.lang}",
             "--window-size=1000,1400", "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT,
            env=dict(os.environ, LANGUAGE=self.lang.replace("-", "_"), LANG="C.UTF-8"))
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        self._wait("chromium's DevTools port", lambda: os.path.exists(port_file)
                   and len(open(port_file).read().split()) >= 2)
        port = open(port_file).read().split()[0]
        self.loop.run_until_complete(self._attach(port))
        self.send("Runtime.enable")
        self.send("Page.enable")
        self.send("Emulation.setLocaleOverride", locale=self.lang)
        return self

    def __exit__(self, *exc):
        try:
            if self.ws:
                self.loop.run_until_complete(self.ws.close())
        finally:
            self.loop.close()
            if self.proc:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
        return False

    def _wait(self, what, predicate, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise AssertionError(f"chromium exited ({self.proc.returncode}) while waiting for {what}")
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; page console: {self.console[-10:]}")

    async def _attach(self, port):
        import urllib.request
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=20).read())
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await websockets.connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=20)

    async def _send(self, method, params):
        msg_id = self.next_id
        self.next_id += 1
        await self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), self.timeout))
            if message.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown"):
                self.console.append(json.dumps(message.get("params"))[:300])
            if message.get("id") == msg_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]

    def send(self, method, **params):
        """One DevTools command; its result."""
        return self.loop.run_until_complete(self._send(method, params))

    def goto(self, url):
        self.send("Page.navigate", url=url)

    def eval(self, expression):
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            return None
        return result["result"].get("value")

    def wait_for(self, what, expression, timeout=None):
        """Waits until the expression is truthy in the page; returns its value."""
        return self._wait(what, lambda: self.eval(expression), timeout)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path
