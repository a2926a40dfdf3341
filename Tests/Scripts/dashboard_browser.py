#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium, driven over the DevTools protocol, signs
in to a Tessera holding the sample organisation (Fixtures/analytics), checks that every chart is
drawn with data, applies filters, shows an empty state, signs out, and saves screenshots.

    python3 Tests/Scripts/dashboard_browser.py [--screenshots DIR]

Needs `chromium` (Debian package) and the `websocket-client` module. Starts `tessera serve`
(TESSERA_BIN, default .build/debug/tessera) on a new database; prints one line per check and a
"N passed, N failed" summary; exits non-zero on any failure.
"""
import base64
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from browser import Browser, wait_for
from browser import arguments as browser_arguments
from checks import Checks

BIN = os.environ.get("TESSERA_BIN", ".build/debug/tessera")
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "Fixtures", "analytics", "load_sample.py")
CHARTS = ["compliance", "volume", "proficiency", "trend", "outcomes", "outcome-totals", "knowledge", "mastery", "employees",
          "employee-curves"]

arguments = browser_arguments(".build/dashboard-screenshots")

directory = tempfile.mkdtemp(prefix="tessera-dashboard-")
port = random.randint(20000, 40000)
base = f"http://127.0.0.1:{port}"
processes = []
check = Checks()


def finish():
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    shutil.rmtree(directory, ignore_errors=True)
    check.finish("dashboard in a browser")


# The server, with the sample organisation and an analytics/read credential.
server = subprocess.Popen(
    [BIN, "serve", "--db", os.path.join(directory, "dashboard.sqlite"), "--port", str(port)],
    env=dict(os.environ, TESSERA_ADMIN_KEY="admin", TESSERA_ADMIN_SECRET="admin-secret"),
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
processes.append(server)


def server_up():
    try:
        return urllib.request.urlopen(base + "/health", timeout=1).status == 200
    except OSError:
        return False


wait_for(server_up, what="the server")
subprocess.run([sys.executable, SAMPLE, "--url", base, "--key", "admin", "--secret", "admin-secret"],
               check=True, stdout=subprocess.DEVNULL)
created = subprocess.run(
    [BIN, "accounts", "create", "--db", os.path.join(directory, "dashboard.sqlite"), "--name", "ld-team", "--full-name", "L&D team",
     "--role", "viewer"], check=True, capture_output=True, text=True).stdout
account = dict(line.split(":", 1) for line in created.splitlines() if ":" in line)
name, password = account["account"].strip(), account["password"].strip()

# The browser.
browser = Browser(directory, arguments.screenshots, arguments.chromium)
call, evaluate, loaded, go, submit, screenshot, texts = (
    browser.call, browser.evaluate, browser.loaded, browser.go, browser.submit, browser.screenshot, browser.texts)


def charts():
    """For each chart on the page: how many data marks it has, and how many are drawn with area."""
    return evaluate("""Object.fromEntries([...document.querySelectorAll('svg[data-chart]')].map(svg => [
        svg.dataset.chart,
        {marks: svg.querySelectorAll('.mark').length,
         drawn: [...svg.querySelectorAll('.mark')].filter(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; }).length}]))""")


def texts(selector):
    return evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.textContent.trim())")


try:

    # Signing in.
    location = go(base + "/dashboard", "/dashboard/login")
    check("an unsigned visit to /dashboard lands on the sign-in form", location.endswith("/dashboard/login"), location)
    submit({"name": name, "password": "not-the-password"})
    wait_for(lambda: texts(".error"), what="the sign-in error")
    check("a wrong password is refused with a message", "wrong" in " ".join(texts(".error")), str(texts(".error")))
    screenshot("dashboard-sign-in-refused.png")
    submit({"name": name, "password": password})
    location = loaded("/dashboard")
    check("the account's name and password open the dashboard", location.endswith("/dashboard"), location)
    check("the session cookie is out of scripts' reach (HttpOnly)", evaluate("document.cookie") == "")
    cookies = call("Network.getCookies", urls=[base + "/dashboard"])["cookies"]
    session = next((cookie for cookie in cookies if cookie["name"] == "tessera_session"), None)
    check("the session cookie is HttpOnly and SameSite=Strict", session is not None and session["httpOnly"]
          and session.get("sameSite") == "Strict", str(session))

    # Every chart drawn, with data.
    drawn = charts()
    for chart in CHARTS:
        figures = drawn.get(chart, {"marks": 0, "drawn": 0})
        check(f"chart {chart} is drawn with data ({figures['marks']} marks)",
              figures["marks"] > 0 and figures["drawn"] == figures["marks"], str(figures))
    check("no chart shows an empty state on the sample organisation", texts("[data-empty]") == [], str(texts("[data-empty]")))
    teams = evaluate("[...document.querySelector('select[name=team]').options].map(o => o.value).filter(v => v)")
    skills = evaluate("document.querySelectorAll('svg[data-chart=proficiency] > text[text-anchor=middle] > title').length")
    cells = evaluate("document.querySelectorAll('svg[data-chart=proficiency] rect.mark, svg[data-chart=proficiency] rect.empty-cell').length")
    check(f"the heat map has a cell for each team and skill ({cells})", cells > 0 and cells % max(skills, 1) == 0, f"{cells} cells, {skills} skills")
    gap_script = "document.querySelector('[data-gap]') && Number(document.querySelector('[data-gap]').dataset.gap)"
    check(f"employee retention shows a gap ({evaluate(gap_script)} points)", isinstance(evaluate(gap_script), (int, float)))
    headline = texts(".tile b")
    screenshot("dashboard.png")
    go(base + "/dashboard?cohort=2024-05-31&to=2024-12-31", "/dashboard")
    request = urllib.request.Request(base + "/analytics/retention/employees?from=2024-05-31&to=2024-12-31", headers={
        "Authorization": "Basic " + base64.b64encode(b"admin:admin-secret").decode()})
    expected = json.load(urllib.request.urlopen(request))["rows"][0]["differencePoints"]
    check(f"the gap for a chosen cohort date is the API's ({evaluate(gap_script)} and {expected:.1f} points)",
          abs(evaluate(gap_script) - expected) < 0.05)
    # Statistical honesty: intervals, counts, small groups, association wording (docs/analytics.md).
    whiskers = evaluate("document.querySelectorAll('svg[data-chart=outcomes] path.interval, svg[data-chart=employees] path.interval').length")
    bars = evaluate("document.querySelectorAll('svg[data-chart=outcomes] rect.mark, svg[data-chart=employees] rect.mark').length")
    check(f"every rate bar has its 95% interval drawn ({whiskers} whiskers, {bars} bars)", whiskers == bars and bars > 0, f"{whiskers} / {bars}")
    faint = evaluate("[...document.querySelectorAll('svg[data-chart=outcomes] rect.too-few')].map(r => r.getBBox().width > 0).length")
    check(f"a group of fewer than ten is drawn faint and called too few to compare ({faint})",
          faint >= 1 and "too few to compare" in evaluate("document.querySelector('svg[data-chart=outcomes]').textContent"))
    labels = evaluate("[...document.querySelectorAll('svg[data-chart=employees] text.value')].map(t => t.textContent)")
    check(f"each bar shows the counts behind its share ({labels})", all(" of " in label for label in labels) and len(labels) == 2, str(labels))
    reading = evaluate("document.querySelector('[data-gap]').textContent")
    check("the gap is read as an association with its interval", "95% interval" in reading and "association" in reading
          and "in favour of" not in reading, reading)
    screenshot("dashboard-intervals.png")

    # Mandatory training: who has not completed, who is overdue, and the list to send reminders from.
    go(base + "/dashboard", "/dashboard")
    rows = evaluate("[...document.querySelectorAll('table[data-table=compliance] tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    check(f"the mandatory-training table has a row per program and team ({len(rows or [])})",
          rows is not None and len(rows) == 6 and ["Forklift certification", "Warehouse", "35", "29", "6", "0"] == rows[0][:6], str(rows))
    overdue = texts("table[data-table=overdue] tbody tr")
    check(f"the people overdue the longest are listed ({len(overdue)})", 0 < len(overdue) <= 12, str(overdue[:2]))
    # Downloaded with the browser's session cookie, as the link would (the page's policy lets no script fetch).
    link = evaluate("document.querySelector('a[data-download=compliance]').href")
    jar = browser.cookie_header(base + "/dashboard")
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": jar})) as response:
        download = (response.status, response.headers.get("Content-Type", ""), response.headers.get("Content-Disposition", ""), response.read().decode())
    check("the outstanding list downloads as CSV with addresses", download[0] == 200 and download[1].startswith("text/csv")
          and download[2].startswith("attachment") and len(download[3].strip().split("\r\n")) == 1 + 6 + 26 and "mailto:" in download[3], str(download[:3]))
    points = evaluate("document.querySelectorAll('svg[data-chart=trend] circle.mark').length")
    lines = evaluate("document.querySelectorAll('svg[data-chart=trend] path.line').length")
    check(f"proficiency over time has a line per skill, a point per month ({lines} lines, {points} points)", lines == 6 and points >= 6 * 10, f"{lines} / {points}")
    bands = evaluate("document.querySelectorAll('svg[data-chart=employee-curves] polygon.band').length")
    steps = evaluate("document.querySelectorAll('svg[data-chart=employee-curves] path.line').length")
    check(f"employee retention over time: two step curves with their 95% bands ({steps} curves, {bands} bands)", steps == 2 and bands == 2)
    mastery = evaluate("[...document.querySelectorAll('svg[data-chart=mastery] text.value')].map(t => t.textContent)")
    check(f"still at mastery is a share of those who reached it ({mastery[:2]})", len(mastery) == 6 and all(" of " in label for label in mastery), str(mastery))
    screenshot("dashboard-compliance.png")

    # The learner view: find a person by name, open their record.
    submit({"search": "warehouse 1"}, "form.find")
    loaded("/dashboard/learners")
    found = texts("table[data-table=learners] tbody tr td:first-child")
    check(f"a search finds people by name ({len(found)})", found[:1] == ["Warehouse 1"] and len(found) == 13, str(found[:3]))
    evaluate("document.querySelector('table[data-table=learners] tbody a').click(); true")
    loaded("/dashboard/learner")
    skills = texts("table[data-table=skills] tbody tr td:first-child")
    check(f"the learner's record lists their skills ({', '.join(skills)})", skills == ["Forklift safety", "Data protection (GDPR)", "SQL", "Data visualisation"], str(skills))
    scores = charts().get("learner-scores", {"marks": 0, "drawn": 0})
    check(f"their assessment scores are drawn over time ({scores['marks']} points)", scores["marks"] == 7 and scores["drawn"] == 7, str(scores))
    programs = evaluate("[...document.querySelectorAll('table[data-table=programs] tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    forklift = next((row for row in programs or [] if row[0] == "Forklift certification"), None)
    check("their programs show completion and mandatory training", forklift is not None and forklift[3] == "2024-03-15"
          and forklift[4].startswith("completed"), str(forklift))
    screenshot("dashboard-learner.png")

    # Filters, through the form.
    go(base + "/dashboard", "/dashboard")
    submit({"team": "Warehouse", "from": "2024-03-01", "to": "2024-10-31"}, "form.filters")
    location = wait_for(lambda: evaluate("document.readyState === 'complete' && location.search.includes('team=Warehouse') ? location.href : ''"),
                        what="the filtered page")
    check("the filter form puts team and dates in the address", "from=2024-03-01" in location and "to=2024-10-31" in location, location)
    check("the filtered figures differ from the whole organisation's", texts(".tile b") != headline, str(texts(".tile b")))
    check("the heat map shows the chosen team only",
          evaluate("[...document.querySelectorAll('svg[data-chart=proficiency] text[text-anchor=end]')].map(t => t.textContent)") == ["Warehouse"])
    check("the form keeps the chosen team selected", evaluate("document.querySelector('select[name=team]').value") == "Warehouse")
    screenshot("dashboard-warehouse.png")

    # Empty states.
    go(base + "/dashboard?from=2020-01-01&to=2020-01-31", "/dashboard")
    empty = evaluate("[...document.querySelectorAll('[data-empty]')].map(e => e.dataset.empty)")
    check(f"a period before any data explains each empty chart ({', '.join(empty)})",
          {"volume", "proficiency", "outcomes"} <= set(empty) and all(len(text) > 40 for text in texts("[data-empty]")), str(empty))
    screenshot("dashboard-empty.png")
    go(base + "/dashboard?from=2024-13-01", "/dashboard")
    check("an impossible date names the field", "from must be a date" in " ".join(texts(".error")), str(texts(".error")))

    # Signing out.
    evaluate("document.querySelector('header form').requestSubmit(); true")
    loaded("/dashboard/login")
    location = go(base + "/dashboard", "/dashboard/login")
    check("after signing out, /dashboard asks to sign in again", location.endswith("/dashboard/login"), location)
    check("no errors in the browser console (no blocked resource, no script)", browser.console_errors == [], str(browser.console_errors))
except Exception as error:  # a broken step fails the run with its reason
    check("the browser session ran to the end", False, repr(error))
finally:
    browser.close()
    print("screenshots: " + ", ".join(sorted(os.path.basename(p) for p in glob.glob(os.path.join(arguments.screenshots, "*.png")))))
    finish()
