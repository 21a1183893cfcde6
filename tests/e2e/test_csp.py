"""The Content-Security-Policy blocks nothing the site needs, in real Chromium: every kind of
demo page (with its scripts, htmx swaps, charts and the big screen's live polling) raises no
`securitypolicyviolation` and logs no CSP error, and logging in through an OpenID provider is
not stopped by `form-action`. An injected inline script is refused (the policy is in force)."""

from __future__ import annotations

import pytest

from samskab.accounts.models import Role
from samskab.core.security import origin_of
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.core.test_security_headers import PAGE_PERSON, demo_pages
from tests.e2e.test_foundation import log_in
from tests.oidc.fixtures import PROVIDER_ID, provider_app, start_provider, use_provider

# Collects every violation the page reports, from its very first byte.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
     source: e.sourceFile, line: e.lineNumber}));
"""


def watch(page) -> list[str]:
    """CSP errors Chromium writes to the console (also those from before the listener)."""
    logged: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            logged.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return logged


def violations(page) -> list[dict]:
    return page.evaluate("() => window.__csp || []")


@pytest.fixture
def site(transactional_db, live_server):
    load_municipalities(Municipality)
    demo = load_demo()
    return live_server.url, demo


@pytest.mark.parametrize("width", [1200, 390])
def test_no_demo_page_meets_the_policy(page, site, width) -> None:
    url, demo = site
    logged = watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    problems: dict[str, list] = {}
    pages = demo_pages(demo)
    for person in (Role.ADMINISTRATOR, Role.FACILITATOR, None):
        if person is None:
            page.context.clear_cookies()
        else:
            log_in(page, url, person)
        for name, path in pages.items():
            if PAGE_PERSON.get(name, Role.ADMINISTRATOR) != person:
                continue
            # The API docs build the whole OpenAPI document first: slow on a loaded machine.
            response = page.goto(url + path, timeout=90_000)
            assert response is not None and response.status == 200, (name, path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            if name == "big screen":
                page.wait_for_timeout(2500)  # two live polls swapped in by htmx
            if name == "API docs":
                # Rendered by Swagger UI from the served OpenAPI document.
                page.wait_for_selector("#swagger-ui .info .title", state="attached", timeout=90_000)
            found = violations(page)
            if found:
                problems[name] = found
    assert problems == {}
    assert logged == []


def test_the_main_menu_and_the_language_switch_still_work(page, site) -> None:
    """Scripts from /static/ run (the menu folds at 390 px) and forms post to the site."""
    url, demo = site
    logged = watch(page)
    log_in(page, url, Role.ADMINISTRATOR)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}{demo.municipality.get_absolute_url()}")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    button = menu.get_by_role("button", name="Menu")
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations(page) == [] and logged == []


def test_an_injected_inline_script_is_refused(page, site) -> None:
    url, _demo = site
    watch(page)
    page.goto(f"{url}/")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = true'; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === true") is False
    assert any(v["directive"].startswith("script-src") for v in violations(page))


# --- Logging in through an OpenID provider: a form POST that redirects to the provider ---------


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    callback = f"{live_server.url}/konto/oidc/{PROVIDER_ID}/login/callback/"
    with start_provider(tmp_path_factory.mktemp("idp-csp"), [callback]) as provider:
        yield provider


@pytest.fixture
def oidc_site(transactional_db, live_server, idp, settings):
    load_municipalities(Municipality)
    use_provider(settings, provider_app(idp.issuer))
    return live_server.url


def test_the_openid_login_button_is_not_blocked_by_form_action(page, oidc_site, idp) -> None:
    page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    logged = watch(page)
    response = page.goto(f"{oidc_site}/konto/login/")
    policy = response.headers["content-security-policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert origin_of(idp.issuer) in form_action.split()
    page.get_by_role("button", name="Log ind som medarbejder").click()
    page.wait_for_url(f"{idp.issuer}/**")  # the POST's redirect reached the provider
    page.locator("input[name=login]").fill("anna")
    page.locator("input[name=password]").fill("hvad som helst")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{oidc_site}/mig/")
    assert page.get_by_role("button", name="Log ud").is_visible()
    assert violations(page) == []
    assert [line for line in logged if "form-action" in line] == []
