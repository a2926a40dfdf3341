"""Headless Chromium driven over the DevTools protocol, for the browser tests
(dashboard_browser.py, console_browser.py): start it, load pages, fill and submit forms, read
the page, take screenshots. Needs Debian's `chromium` and the `websocket-client` module."""
import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request

import websocket


def arguments(default_screenshots):
    """The browser tests' command line: `--screenshots DIR` (created) and `--chromium PATH`."""
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", default=default_screenshots)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parsed = parser.parse_args()
    os.makedirs(parsed.screenshots, exist_ok=True)
    return parsed


def wait_for(condition, seconds=30, what="condition"):
    """Calls `condition` until it returns something true; returns that, or raises on timeout."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


class Browser:
    """One headless Chromium with one page, its profile in `directory`."""

    def __init__(self, directory, screenshots, chromium=None):
        self.screenshots = screenshots
        self.console_errors = []
        self.next_id = 0
        profile = os.path.join(directory, "profile")
        self.process = subprocess.Popen(
            [chromium or shutil.which("chromium") or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        active_port = os.path.join(profile, "DevToolsActivePort")
        wait_for(lambda: os.path.exists(active_port) and open(active_port).read().count("\n") >= 1, what="Chromium's DevTools port")
        devtools_port = open(active_port).read().split("\n")[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list"))
        page = next(target for target in targets if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True, timeout=60)
        for method in ["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"]:
            self.call(method)
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    def close(self):
        self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def call(self, method, **params):
        """Sends one DevTools command and returns its result, keeping the events that pass by."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            # Refused sign-ins and bad filters answer 4xx on purpose ("network" entries); any
            # other error (a blocked resource, a script) is a fault.
            entry = message.get("params", {}).get("entry", {}) if message.get("method") == "Log.entryAdded" else {}
            if entry.get("level") == "error" and entry.get("source") != "network":
                self.console_errors.append(entry["text"])
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def loaded(self, path):
        """Waits until the page at `path` has loaded; returns its location."""
        return wait_for(lambda: self.evaluate(
            f"document.readyState === 'complete' && location.pathname === {json.dumps(path)} ? location.href : ''"),
            what=f"{path} to load")

    def go(self, url, path):
        self.call("Page.navigate", url=url)
        return self.loaded(path)

    def submit(self, fields, form="form"):
        """Fills a form's fields (name → value; True ticks a checkbox) and submits it as a person would."""
        def assign(name, value):
            element = f"document.querySelector({json.dumps(form)}).elements[{json.dumps(name)}]"
            return f"{element}.checked = true;" if value is True else f"{element}.value = {json.dumps(value)};"
        self.evaluate("".join(assign(name, value) for name, value in fields.items())
                      + f"document.querySelector({json.dumps(form)}).requestSubmit(); true")

    def click(self, selector):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click(); true")

    def texts(self, selector):
        return self.evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.textContent.trim())")

    def cookie_header(self, url):
        """The Cookie header the browser would send to `url`."""
        return "; ".join(f"{c['name']}={c['value']}" for c in self.call("Network.getCookies", urls=[url])["cookies"])

    def screenshot(self, name):
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=height, deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path = os.path.join(self.screenshots, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        return path
