"""WCAG 2.1 AA kept by axe-core in the real browser (issue 17).

Every GET route of the authorisation matrix that answers an HTML page is opened, with the
matrix's world of one of everything, by a user who may see it, at 1366×768; the public
pages also at 390×844. axe-core (vendored for the tests only, tests/browser/vendor/) is put
into the page by the test browser, never by the app; the app's Content-Security-Policy is
left on, so a page that breaks it logs a console error here as it would for a user.
Any serious or critical violation fails, naming the page, the user and the rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from fazhi.orgs.models import User
from fazhi.registers.rules import load_shipped
from tests import test_authz_matrix as matrix
from tests.conftest import login_with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MATRIX, PUBLIC, fill = matrix.MATRIX, matrix.PUBLIC, matrix.fill
world = matrix.world  # the matrix's fixture: one of everything for the routes to point at

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
# Who opens a page: the first of these the matrix lets see it (anonymous for public pages).
PREFERENCE = (
    "anon",
    "office",
    "kjj",
    "leader",
    "city",
    "province",
    "expert1",
    "admin",
    "security",
    "auditor",
)
# Every rule axe has (WCAG 2.0/2.1 A and AA, and its best practices).
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}"""


# GET routes that answer something else than a page: downloads, audio, the health check.
NOT_PAGES = (
    ".xlsx",
    ".csv",
    ".docx",
    "/evidence/<int:evidence_id>/",
    "healthz",
    "challenge/audio/",
    "favicon.ico",
    "/files/<int:attachment_id>/",
    "/files/<int:file_id>/",  # a normative document's file (a download)
    "/files/<int:decision_file_id>/",
    "/files/<int:step_file_id>/",  # an enforcement case's record file
    "/files/<int:activity_file_id>/",  # an activity's minutes or photos
    "documents/<str:name>",
    "/file/",  # the ledgers' downloads
)
# Pages that send the world's user elsewhere: the check before submitting, since the
# world's assessment is locked by the application under review (tests/browser/test_submit_e2e.py
# drives the check page itself).
REDIRECTED = ("assessments/<int:assessment_id>/check/",)


def html_pages() -> list[tuple[str, str]]:
    """(route, role) of every page of the matrix (GET, not the API), for its first viewer."""
    out = []
    for (route, method), allowed in sorted(MATRIX.items()):
        if method != "GET" or route.startswith("api/") or route.endswith(NOT_PAGES):
            continue
        viewers = [r for r in PREFERENCE if r in allowed and (r != "anon" or allowed is PUBLIC)]
        if viewers:  # nobody may open it in this world (a naming notice before the naming)
            out.append((route, viewers[0]))
    return out


def session_cookie(role: str, base: str) -> list[dict]:
    """A signed-in session of `role` (with its second factor when it has one) for the browser."""
    if role == "anon":
        return []
    user = User.objects.get(username=role)
    if user.needs_totp:
        client = login_with_totp(role)
    else:
        client = Client()
        client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return [{"name": name, "value": client.cookies[name].value, "url": base}]


def audit(browser, base, path, role, viewport) -> list[str] | None:
    """Open the page as `role` and return its problems: serious or critical axe violations,
    console errors and failed responses (None when the route answers no HTML page)."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    try:
        context.add_cookies(session_cookie(role, base))
        answer = context.request.get(base + path, max_redirects=0)
        kind = answer.headers.get("content-type", "")
        if answer.status >= 400:
            return [f"HTTP {answer.status} for a user who may see it"]
        if answer.status != 200 or not kind.startswith("text/html"):
            return None  # a redirect, a download, audio or JSON: no page to check
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: errors.append(f"script: {e}"))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page.goto(base + path, wait_until="load")
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the test browser, not the app
        problems = page.evaluate(RUN_AXE)
        # the console also repeats each failed response: keep one line per failure
        return problems + [e for e in errors if "Failed to load resource" not in e]
    finally:
        context.close()


@pytest.fixture
def pages_world(world, workcalendar, settings):
    settings.FAZHI_PUBLIC_CHALLENGE = "on"  # the public forms as the public sees them
    load_shipped(ROOT / "rules")
    return world


def test_every_page_passes_axe_without_console_errors(browser, live_server, pages_world):
    base = live_server.url
    checked, failures = [], []
    for route, role in html_pages():
        path = fill(route, pages_world)
        sizes = [DESKTOP, PHONE] if route.startswith(("public/", "login/")) else [DESKTOP]
        for size in sizes:
            problems = audit(browser, base, path, role, size)
            if problems is None:
                continue
            checked.append(path)
            failures += [f"{path} as {role} at {size['width']}px: {p}" for p in problems]
    assert not failures, "\n".join(failures)
    # the sweep really reached every page (a redirect to the login page would check nothing)
    # (the second-factor page only shows in the middle of a sign-in: anyone else is sent back)
    pages = {
        fill(route, pages_world)
        for route, _ in html_pages()
        if route != "login/otp/" and route not in REDIRECTED
    }
    assert pages <= set(checked), f"not checked: {sorted(pages - set(checked))}"


# ---------------------------------------------------------------- focus after htmx swaps


def focused(page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.id : ''")


def expect_focus(page, element_id: str) -> None:
    """Focus moves after htmx settles: wait for it (up to 5 s), then say where it is."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=element_id,
            timeout=5000,
        )
    except Timeout:  # say where focus went rather than that time ran out
        raise AssertionError(f"focus on {focused(page)!r}, expected {element_id!r}") from None


def test_focus_kept_and_saves_announced_after_htmx_swaps(page, live_server, assessment, tmp_path):
    from playwright.sync_api import expect

    from tests.browser.test_scoring_e2e import PDF, open_scoring_page

    open_scoring_page(page, live_server.url, assessment)
    status = page.locator("#live-status")
    expect(status).to_have_attribute("role", "status")

    # typed and saved with the keyboard: focus stays in the field, the item and the page say so
    page.focus("#score-1")
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(status).to_have_text("已保存")
    expect(page.locator("#item-1 .saved-note")).to_have_text("已保存")
    expect_focus(page, "score-1")

    # refused: focus goes to the field refused, even when the button was used
    page.fill("#score-2", "9")
    page.click("#save-2")
    expect(page.locator("#err-2")).to_be_visible()
    expect_focus(page, "score-2")

    # an upload keeps focus on its button
    pdf = tmp_path / "计划.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#file-1", str(pdf))
    page.click("#upload-1")
    expect(status).to_have_text("佐证材料已上传")
    expect_focus(page, "upload-1")

    # a removal takes its button away: focus goes to the item
    page.once("dialog", lambda d: d.accept())
    page.locator("#item-1 .evidence li").get_by_role("button", name="删除").click()
    expect(status).to_have_text("佐证材料已删除")
    expect(page.locator("#item-1 .evidence li")).to_have_count(0)
    expect_focus(page, "item-1")
    assert not page.js_errors and not page.server_errors


# ---------------------------------------------------------------- the focus ring (WCAG 1.4.11)

# For the element that has focus: the contrast of its outline with what is just outside it.
RING_CONTRAST = """() => {
  const el = document.activeElement;
  if (el === document.body) return ["", 99];  // focus has left the page for the browser's own bar
  const style = getComputedStyle(el);
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) === 0) return [el.outerHTML.slice(0, 80), 0];
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const box = el.getBoundingClientRect();
  const gap = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 2;
  const x = Math.max(0, box.left - gap), y = box.top + box.height / 2;
  let under = document.elementsFromPoint(x, y).find((e) => !el.contains(e)) || document.body;
  let bg = [255, 255, 255];
  for (let e = under; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c.slice(0, 3); break; }
  }
  const [a, b] = [lum(rgb(style.outlineColor)), lum(bg)].sort((p, q) => q - p);
  return [el.outerHTML.slice(0, 80), (a + 0.05) / (b + 0.05)];
}"""


@pytest.mark.parametrize("who", ["office", "anon"])
def test_focus_ring_contrast(page, live_server, assessment, who):
    """The first thirty stops of the keyboard on the scoring page (top bar, page, cards) and on
    the public form: every focus ring stands out at least 3:1 from what surrounds it."""
    from tests.browser.test_scoring_e2e import open_scoring_page

    if who == "office":
        open_scoring_page(page, live_server.url, assessment)
    else:
        page.goto(f"{live_server.url}/public/complaints/new/")
    weak = []
    for _ in range(30):
        page.keyboard.press("Tab")
        what, ratio = page.evaluate(RING_CONTRAST)
        if ratio < 3:
            weak.append(f"{ratio:.2f}:1 {what}")
    assert not weak, "\n".join(weak)


def test_task_page_save_keeps_focus_and_is_announced(page, live_server, pages_world):
    """The same on the task page, whose sections are swapped by htmx too: Enter in a field of
    the assignment saves it, focus stays in the field, "任务分解已保存" is said."""
    from playwright.sync_api import expect

    base = live_server.url
    page.context.add_cookies(session_cookie("office", base))
    page.goto(f"{base}/tasks/{pages_world['task_id']}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.fill("#assign-responsible", "李四")
    page.keyboard.press("Enter")
    expect(page.locator("#live-status")).to_have_text("任务分解已保存")
    expect_focus(page, "assign-responsible")
    expect(page.locator("#assign-responsible")).to_have_value("李四")
    assert not page.js_errors and not page.server_errors
