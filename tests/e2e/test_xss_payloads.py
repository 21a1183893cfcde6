"""The OWASP XSS filter-evasion payloads in every free-text field, shown in real Chromium.

The demo municipality gets the payloads (tests/e2e/xss_payloads.py) in every text a person can
write: a challenge, ideas, comments and opinion statements through the services, and every other
person-written text field of the demo's content (profiles, initiatives and their agreements,
parts, budget lines and commitments, reflection rooms, entries and learnings, workshops,
experiments and reviews, movement, spaces, council reports) set directly. Then a logged-in
administrator, who sees the most, and an anonymous visitor walk every page, fragment (hx-get),
big screen, SVG and export the site links to, once each (bounded). On every page: no dialog, no
`window.__xss`, no element a payload would create, no Content-Security-Policy violation caused
by one, and no server error; in every CSV and xlsx export: no formula cell.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import User
from samskab.challenges import services as challenge_services
from samskab.challenges.models import Idea
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality, Space, Visibility
from samskab.opinions import services as opinion_services
from samskab.opinions.models import Conversation
from samskab.workshops import services as workshop_services
from samskab.workshops.models import LiveSession
from tests.e2e.test_foundation import log_in
from tests.e2e.xss_payloads import ALL, XSS

MAX_PAGES = 220  # per visitor: a bound on the walk, well above the pages the demo links to
SKIP = re.compile(r"/(admin|static|media)/|logout|log-ud|/konto/(slet|delete)|/sprog/")
DOWNLOADS = ("text/csv", "spreadsheetml", "application/vnd.ms-excel")

# Person-written text fields; the rest (codes, tokens, roles, hashes, errors) the system writes.
TEXT_FIELDS: dict[str, list[str]] = {
    "municipalities.Movement": ["title", "description"],
    "municipalities.Space": ["title", "description"],
    "accounts.User": ["display_name", "pseudonym"],
    "accounts.Organisation": ["name"],
    "accounts.Affiliation": ["title"],
    "challenges.Challenge": ["title", "description"],
    "challenges.Category": ["name"],
    "challenges.Idea": ["title", "body", "moderation_reason", "outcome_note"],
    "challenges.IdeaRevision": ["title", "body"],
    "challenges.Comment": ["body", "moderation_reason"],
    "challenges.Flag": ["reason"],
    "opinions.Conversation": ["title", "question"],
    "opinions.Statement": ["text", "moderation_reason"],
    "complexity.Rating": ["reason"],
    "reflection.ReflectionTemplate": ["name", "description"],
    "reflection.Room": ["title", "purpose"],
    "reflection.Session": ["title"],
    "reflection.Entry": ["text"],
    "reflection.AnonymousEntry": ["text"],
    "reflection.Learning": ["title", "text", "context"],
    "workshops.LiveSession": ["title"],
    "workshops.WorkshopParticipant": ["pseudonym"],
    "initiatives.Initiative": ["title", "purpose", "target_group"],
    "initiatives.Update": ["note"],
    "initiatives.Document": ["title"],
    "initiatives.Milestone": ["title", "description"],
    "initiatives.Agreement": [
        "purpose",
        "target_group",
        "tasks",
        "volunteer_boundary",
        "termination",
        "personal_data",
    ],
    "initiatives.WorkPart": ["title", "description"],
    "initiatives.BudgetLine": ["title"],
    "initiatives.Commitment": ["description", "valuation_rule"],
    "initiatives.CommitmentEntry": ["reason"],
    "experiments.Experiment": [
        "title",
        "hypothesis",
        "signals",
        "amplify_when",
        "dampen_when",
        "stop_when",
        "outcome",
        "learning",
    ],
    "experiments.Review": ["sensed", "outcome", "learning"],
    "reports.Report": ["committee", "summary", "recommendation", "risks", "next_steps"],
}

# Runs before any page script: record CSP violations and make `alert` leave a mark too.
INIT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample || ''}));
"""

# Elements and attributes a payload would create if it were parsed as HTML, not shown as text.
INJECTED = r"""() => {
    const found = [];
    const marked = v => /__xss|xss\.example|alert\(|fromCharCode/i.test(v);
    const scriptUrl = v =>
        /^(javascript|vbscript|data):/i.test(v.replace(/[\s\u0000-\u001f]/g, ''));
    const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster',
                      'background', 'content'];
    for (const el of document.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        if (/^xss/i.test(el.id)) found.push('id ' + el.outerHTML.slice(0, 120));
        for (const a of el.attributes) {
            const n = a.name.toLowerCase();
            if (n.startsWith('on') && marked(a.value)) found.push(`${tag}[${n}=${a.value}]`);
            if (urlAttrs.includes(n) && (scriptUrl(a.value) && marked(a.value) ||
                    /xss\.example/i.test(a.value)))
                found.push(`${tag}[${n}=${a.value.slice(0, 80)}]`);
        }
        if ((tag === 'script' || tag === 'style') && marked(el.textContent))
            found.push(`${tag}: ${el.textContent.slice(0, 80)}`);
        if (tag === 'style' && /javascript:|@import/i.test(el.textContent) &&
                /xss/i.test(el.textContent))
            found.push(`style: ${el.textContent.slice(0, 80)}`);
    }
    return found;
}"""


def _fitting(limit: int | None, n: int) -> str:
    """The n-th payload that fits the field; a long field gets all that fit, one a line."""
    if limit is None or limit >= 1000:
        text = ""
        for payload in ALL[n % len(ALL) :] + ALL[: n % len(ALL)]:
            if limit is not None and len(text) + len(payload) + 1 > limit:
                break
            text += payload + "\n"
        return text.strip()
    fits = [p for p in ALL if len(p) <= limit]
    return fits[n % len(fits)]


def _seed_through_services(municipality: Municipality, people: dict) -> None:
    """What a citizen types, stored by the services the pages use."""
    citizen, admin = people["borger"], people["administrator"]
    from django.core.cache import cache

    with scope(municipality=municipality):
        space = Space.objects.filter(visibility=Visibility.PUBLIC).order_by("pk").first()
        challenge = challenge_services.pose_challenge(
            space, admin, title=XSS[0], description="\n".join(XSS), categories=[XSS[1][:80]]
        )
        for n, payload in enumerate(ALL[:12]):
            cache.clear()  # the services' rate limits: this is one person typing fast
            idea = challenge_services.submit_idea(
                challenge, citizen, title=payload[:150], body=ALL[-1 - n]
            )
        for payload in ALL[:12]:
            cache.clear()
            challenge_services.add_comment(idea, citizen, body=payload)
        conversation = Conversation.objects.filter(is_open=True).first()
        if conversation is not None:
            for payload in [p for p in ALL if len(p) <= 280][:12]:
                cache.clear()
                try:
                    opinion_services.add_statement(conversation, admin, text=payload)
                except Exception as exc:  # a near-duplicate may be refused; that is fine
                    if "ServiceError" not in type(exc).__name__:
                        raise
        session = LiveSession.objects.order_by("pk").first()
        if session is not None:
            for payload in [p for p in XSS if len(p) <= 40][:6]:
                cache.clear()
                workshop_services.join(session, AnonymousUser(), pseudonym=payload)
    cache.clear()


def _seed_every_text_field(municipality: Municipality) -> int:
    """Every person-written text field of the demo's content gets a payload."""
    n = 0
    with scopes_disabled():
        for label, names in TEXT_FIELDS.items():
            model = apps.get_model(label)
            fields = {f.name: f for f in model._meta.concrete_fields}
            rows = model._base_manager.all()
            if any(f.name == "municipality" for f in model._meta.concrete_fields):
                rows = rows.filter(municipality=municipality)
            elif model is User:
                rows = rows.filter(email__endswith="@demo.samskab.dk")
            for pk in rows.values_list("pk", flat=True):
                values = {}
                for name in names:
                    field = fields[name]
                    limit = field.max_length if isinstance(field, models.CharField) else None
                    values[name] = _fitting(limit, n)
                    n += 1
                model._base_manager.filter(pk=pk).update(**values)
    return n


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    _seed_through_services(demo.municipality, demo.people)
    assert _seed_every_text_field(demo.municipality) > len(ALL)
    with scopes_disabled():
        assert Idea.objects.filter(title__in=ALL).count() > 10
    return live_server.url, demo


def _is_formula(value: object) -> bool:
    text = str(value or "")
    if not text:
        return False
    if text[0] in "=+@\t\r":
        return True
    return text[0] == "-" and not re.fullmatch(r"-[\d.,\s]*(kr\.?)?", text)


def _formula_cells(body: bytes, content_type: str) -> list[str]:
    bad = []
    if "spreadsheetml" in content_type or body[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (
                        isinstance(cell.value, str) and _is_formula(cell.value)
                    ):
                        bad.append(f"{sheet.title}!{cell.coordinate}={cell.value!r}"[:120])
    else:
        text = body.decode("utf-8-sig", errors="replace")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text else csv.excel
        for row in csv.reader(io.StringIO(text), dialect):
            bad += [repr(cell)[:120] for cell in row if _is_formula(cell)]
    return bad


def _walk(page, site: str, start: list[str]) -> dict[str, list[str]]:
    """Visit every same-site page, fragment and export reachable from `start`, once."""
    problems: dict[str, list[str]] = {}
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(INIT)
    host = urlsplit(site).netloc
    queue, seen = list(start), set(start)
    visited = exports = 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        visited += 1
        response = page.context.request.get(url, max_redirects=5, fail_on_status_code=False)
        kind = response.headers.get("content-type", "")
        found: list[str] = []
        if response.status >= 500:
            found.append(f"server error {response.status}")
        if any(d in kind for d in DOWNLOADS):
            exports += 1
            found += [f"formula cell {c}" for c in _formula_cells(response.body(), kind)]
        elif "html" in kind or "svg" in kind:
            dialogs.clear()
            page.goto(url, wait_until="load")
            page.wait_for_timeout(50)  # let autofocus / onload handlers fire, if any
            found += [f"dialog: {m}" for m in dialogs]
            if page.evaluate("() => window.__xss !== undefined"):
                found.append("window.__xss was set")
            found += page.evaluate(INJECTED)
            violations = page.evaluate("() => window.__csp || []")
            found += [
                f"CSP: {v}"
                for v in violations
                if re.search(r"xss|alert", v["sample"] + v["blocked"], re.IGNORECASE)
            ]
            links = page.evaluate(
                """() => [...document.querySelectorAll('a[href], [hx-get], [data-href]')]
                    .map(e => e.getAttribute('href') || e.getAttribute('hx-get')
                              || e.getAttribute('data-href'))"""
            )
            for link in links:
                target = urldefrag(urljoin(page.url, link)).url
                parts = urlsplit(target)
                if (
                    parts.scheme in ("http", "https")
                    and parts.netloc == host
                    and not SKIP.search(parts.path)
                    and target not in seen
                ):
                    seen.add(target)
                    queue.append(target)
        if found:
            problems[url] = found
    assert visited > 40, f"the walk reached only {visited} pages"
    problems["_counts"] = [f"{visited} pages, {exports} exports"]
    return problems


def _start(site: str, demo) -> list[str]:
    code, slug = demo.municipality.code, demo.municipality.slug
    with scope(municipality=demo.municipality):
        sessions = list(LiveSession.objects.values_list("pk", flat=True))
    api = f"{site}/api/municipalities/{code}"
    return [
        f"{site}/",
        f"{site}/mig/",
        f"{site}/kommuner/{slug}/",
        f"{site}/kommuner/{slug}/moderation/",
        *[f"{site}/kommuner/{slug}/workshop/{pk}/storskaerm/" for pk in sessions],
        *[f"{site}/kommuner/{slug}/workshop/{pk}/storskaerm/live/" for pk in sessions],
        f"{site}/konto/profil/",
        # reflected input: the search page shows what was searched for
        f"{site}/soeg/?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        f"{site}/soeg/?q=%22%3E%3Cimg%20src%3Dx%20id%3Dxss99%20onerror%3Dalert(1)%3E",
        f"{api}/experiments.csv",
        f"{api}/experiments.xlsx",
        f"{api}/initiatives/export",
        f"{api}/landscape/actors.csv",
        f"{api}/landscape/ties.csv",
        f"{api}/dashboard/csv",
    ]


def test_no_payload_runs_or_creates_an_element_anywhere(site, page, browser):
    url, demo = site
    # Escaped, not stripped: a person sees exactly what was written.
    with scope(municipality=demo.municipality):
        idea = Idea.objects.filter(visibility="visible", challenge__status="published").first()
        idea_url, title = url + idea.get_absolute_url(), idea.title
    page.goto(idea_url)
    assert page.get_by_text(title, exact=True).first.is_visible()

    visitor = browser.new_context(locale="da-DK", viewport={"width": 1200, "height": 900})
    try:
        public = _walk(visitor.new_page(), url, _start(url, demo))
    finally:
        visitor.close()
    public_counts = public.pop("_counts")

    log_in(page, url, "administrator")
    staff = _walk(page, url, _start(url, demo))
    staff_counts = staff.pop("_counts")
    print(f"XSS walk: anonymous {public_counts}, administrator {staff_counts}")
    assert not public, f"anonymous walk ({public_counts}): {public}"
    assert not staff, f"administrator's walk ({staff_counts}): {staff}"


def test_the_checks_see_a_payload_that_runs(page):
    """The control: the same checks on a page that does put payloads in as HTML."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_content(
        "<p>" + XSS[11] + XSS[19] + XSS[23] + "</p><div>" + XSS[0] + "</div>",
        wait_until="load",
    )
    page.wait_for_timeout(200)
    found = page.evaluate(INJECTED)
    assert dialogs, "an img onerror alert opens a dialog"
    assert page.evaluate("() => window.__xss") == 1
    assert any("xss1" in f for f in found) and any("javascript:" in f for f in found)
    assert any(f.startswith("script") for f in found)
    assert _formula_cells(b"Titel;Beskrivelse\r\nA;=1+1\r\nB;-2+3\r\nC;-1,50\r\n", "text/csv") == [
        "'=1+1'",
        "'-2+3'",
    ]
