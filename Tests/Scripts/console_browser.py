#!/usr/bin/env python3
"""An operator's first minutes, and the console, in a real browser (headless Chromium over the
DevTools protocol), as the README's "First minutes" tells them: start Tessera on a new database,
open `/`, sign in, create a course credential in the console, post a statement with it, see it
in the statement browser; then revoke the credential and see it refused at once, see that a
viewer account gets no console, and erase a person with a reason that the audit log keeps.

    python3 Tests/Scripts/console_browser.py [--screenshots DIR]

Starts `tessera serve` (TESSERA_BIN, default .build/debug/tessera); prints one line per check
and a "N passed, N failed" summary; exits non-zero on any failure.
"""
import base64
import json
import os
import random
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request

import tessera_server
from browser import Browser, wait_for
from browser import arguments as browser_arguments
from checks import Checks

arguments = browser_arguments(".build/console-screenshots")

directory = tempfile.mkdtemp(prefix="tessera-console-")
database = os.path.join(directory, "console.sqlite")
port = random.randint(20000, 40000)
base = f"http://127.0.0.1:{port}"
check = Checks()
PASSWORD = "first-minutes-password"
os.environ["TESSERA_ADMIN_PASSWORD"] = PASSWORD
server = tessera_server.start(database, port, "admin-key", "admin-secret")
viewer = subprocess.run(
    [tessera_server.BIN, "accounts", "create", "--db", database, "--name", "lena", "--full-name", "Lena Lindqvist", "--role", "viewer",
     "--password-stdin"], input="lena-viewer-password\n", check=True, capture_output=True, text=True)
browser = Browser(directory, arguments.screenshots, arguments.chromium)


def post_statement(key, secret, email):
    """POSTs a statement as a course would: (status, body)."""
    body = json.dumps({"actor": {"mbox": f"mailto:{email}", "name": "Ann"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed",
                       "display": {"en-US": "completed"}}, "object": {"id": "https://courses.example.com/fire-safety"}}).encode()
    request = urllib.request.Request(base + "/xapi/statements", data=body, method="POST", headers={
        "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
        "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def sign_in(name, password):
    browser.go(base + "/dashboard", "/dashboard/login")
    browser.submit({"name": name, "password": password})
    return browser.loaded("/dashboard")


try:
    # 1. Open the server's address.
    browser.go(base + "/", "/")
    landing = " ".join(browser.texts("main"))
    check("the landing page says what the server is, without asking to sign in", "xAPI Learning Record Store" in landing
          and "/xapi/" in landing, landing[:120])
    browser.screenshot("landing.png")

    # A viewer sees the dashboard, not the console.
    sign_in("lena", "lena-viewer-password")
    check("a viewer's dashboard has no console link", browser.evaluate("!document.querySelector('a[href=\"/console\"]')"))
    browser.go(base + "/console", "/console")
    check("a viewer opening the console is told it needs the admin role", "needs the admin role" in " ".join(browser.texts(".error")))
    browser.evaluate("document.querySelector('header form').requestSubmit(); true")
    browser.loaded("/dashboard/login")

    # 2. Sign in with the admin account the first start created.
    sign_in("admin", PASSWORD)
    browser.click("header a.nav")
    browser.loaded("/console")
    check("the admin reaches the console from the dashboard", browser.texts("h2")[:1] == ["Console"], str(browser.texts("h2")))

    # 3. A credential for the courses.
    browser.click("a[href='/console/credentials']")
    browser.loaded("/console/credentials")
    browser.submit({"name": "Storyline courses"}, "form.create")
    wait_for(lambda: browser.evaluate("!!document.querySelector('[data-issued]')"), what="the new credential")
    key, secret = browser.evaluate("document.querySelector('code[data-key]').textContent"), browser.evaluate("document.querySelector('code[data-secret]').textContent")
    check("the console shows the new key and its secret once", len(key) == 20 and len(secret) == 40, f"{key} {len(secret)}")
    browser.screenshot("console-credential-created.png")

    # 4. A course posts a statement with it.
    status, body = post_statement(key, secret, "ann@example.com")
    check(f"the new credential posts a statement ({status})", status == 200, body)
    statement_id = json.loads(body)[0] if status == 200 else ""

    # 5. See it in the statement browser.
    browser.go(base + "/console/statements", "/console/statements")
    rows = browser.texts("table[data-table=statements] tbody tr")
    check("the statement browser lists it", any("Ann" in row and "completed" in row for row in rows), str(rows[:2]))
    browser.screenshot("console-statements.png")
    browser.click(f"a[href='/console/statements/{statement_id}']")
    browser.loaded(f"/console/statements/{statement_id}")
    check("one statement's JSON is shown", statement_id in " ".join(browser.texts("pre.json")))
    browser.go(base + "/console/vocabulary", "/console/vocabulary")
    verbs = browser.texts("table[data-table=verbs] tbody tr")
    check("the verbs seen are listed with their counts, to write a catalog", any("verbs/completed" in row and row.endswith("1") for row in verbs), str(verbs))
    browser.go(base + "/console/statements?person=nobody%40example.com", "/console/statements")
    check("a filter that matches nothing says so", browser.evaluate("!!document.querySelector('[data-empty=statements]')"))

    # Revoke the credential: refused at once.
    browser.go(base + "/console/credentials", "/console/credentials")
    browser.evaluate(f"document.querySelector('input[name=key][value=\"{key}\"]').form.requestSubmit(); true")
    wait_for(lambda: "Revoked" in " ".join(browser.texts(".notice")), what="the revocation")
    status, _ = post_statement(key, secret, "ann@example.com")
    check(f"the revoked credential is refused at once ({status})", status == 401)

    # A roster with a mistake: every problem named by line, nothing applied; then the fixed one.
    roster = "mbox,name,team,hired,left\nmailto:ann@example.com,Ann,Floor,2024-01-05,\nbo.example.com,Bo,Floor,2024-02-30,\n"
    browser.go(base + "/console/roster", "/console/roster")
    browser.submit({"document": roster}, "form.upload")
    wait_for(lambda: browser.evaluate("!!document.querySelector('[data-problems]')"), what="the roster's problems")
    problems = browser.texts("[data-problems] li")
    check(f"a roster with mistakes names each line and column, and applies nothing ({len(problems)} problems)",
          any(q.startswith("line 3, column mbox") for q in problems) and any(q.startswith("line 3, column hired") for q in problems), str(problems))
    browser.screenshot("console-roster-problems.png")
    browser.submit({"document": roster.replace("bo.example.com", "mailto:bo@example.com").replace("02-30", "02-28")}, "form.upload")
    wait_for(lambda: browser.evaluate("!!document.querySelector('[data-loaded]')"), what="the roster loaded")
    check("the corrected roster is loaded", "2 people" in " ".join(browser.texts("[data-loaded]")))

    # Erase a person, with the reason recorded.
    browser.go(base + "/console/erase", "/console/erase")
    browser.submit({"person": "ann@example.com", "reason": "GDPR request HR-1234"}, "form.create")
    wait_for(lambda: browser.evaluate("!!document.querySelector('[data-erased]')"), what="the erasure")
    erased = " ".join(browser.texts("[data-erased]"))
    check("the erasure says what it removed", "1 statements" in erased and "1 roster entries" in erased, erased)
    browser.go(base + "/console/audit", "/console/audit")
    check("the audit log records who erased and why", "account admin; reason: GDPR request HR-1234" in " ".join(browser.texts("table[data-table=audit]")))
    browser.screenshot("console-audit.png")
    check("no errors in the browser console (no blocked resource, no script)", browser.console_errors == [], str(browser.console_errors))
except Exception as error:  # a broken step fails the run with its reason
    check("the browser session ran to the end", False, repr(error))
finally:
    browser.close()
    server.terminate()
    server.wait(timeout=20)
    shutil.rmtree(directory, ignore_errors=True)
    check.finish("console in a browser")
