"""No page shows an action its user may not take.

Every page of the authorisation matrix is opened as every role that may open it; each form
it shows (its action, any formaction or hx-post) is resolved to its route, and the matrix
must allow that role to send it. Links are checked the same way for the pages they open, and a link to a part of a page
(#fragment: a form, an item) must find that part there for the same user.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from fazhi.core import duties
from fazhi.orgs.models import User
from tests.test_authz_matrix import MATRIX, ROLES, clients, fill, routes, world  # noqa: F401

pytestmark = pytest.mark.django_db

ROUTE_OF = {p.callback: r for r, p in routes()}
# Whose duty these are depends on the account acted on (三权分立): core.duties decides them.
BY_ACCOUNT = {
    "manage/users/<int:user_id>/reset/": "reset",
    "manage/users/<int:user_id>/active/": "active",
}


# One route, several actions (<transition>, <step>, <action>, <entry>): the matrix speaks for
# the value `world` gives; who may send each other value is said here.
OFFICES = {"office", "office2"}
ACTION_ROLES = {
    ("assessments/<int:assessment_id>/<str:transition>/", "accept"): {"city", "province"},
    ("assessments/<int:assessment_id>/<str:transition>/", "return"): {"city", "province"},
    ("review/campaigns/<str:code>/<str:step>/", "apply"): OFFICES,
    ("review/campaigns/<str:code>/<str:step>/", "naming"): {"province"},
    ("review/applications/<int:application_id>/<str:action>/", "return"): {"city"},
    ("review/applications/<int:application_id>/<str:action>/", "city-score"): {"city"},
    ("review/applications/<int:application_id>/sheet/<str:entry>/", "score"): {"expert1"},
}


def action_roles(route: str, url: str, page: str, ids: dict) -> set[str] | None:
    """Who may send this action when it is not the one the matrix was filled for."""
    kwargs = resolve(urlsplit(url).path or page).kwargs
    for name in ("transition", "step", "action", "entry"):
        if name in kwargs and kwargs[name] != ids.get(name):
            return ACTION_ROLES.get((route, kwargs[name]), set())
    return None


def allowed_on_account(role: str, route: str, url: str) -> bool:
    target = User.objects.get(pk=resolve(urlsplit(url).path).kwargs["user_id"])
    return duties.duty_for(BY_ACCOUNT[route], target.roles) == role


class Actions(HTMLParser):
    """(method, url) of each form action, formaction, hx-post and link of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.found.append(("POST", a.get("action") or ""))
        for name in ("formaction", "hx-post"):
            if a.get(name):
                self.found.append(("POST", a[name]))
        if tag == "a" and a.get("href"):
            self.found.append(("GET", a["href"]))


def route_of(url: str, page: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#"):
        return None
    path = parts.path or page
    if path.startswith("/static/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return ROUTE_OF.get(match.func)


def test_no_page_shows_an_action_its_user_may_not_take(world, users):  # noqa: F811
    who = clients(users)
    pages = [r for (r, m) in MATRIX if m == "GET" and not r.startswith("api/")]
    wrong = []
    fetched: dict[tuple[str, str], str] = {}

    def page_of(role: str, path: str) -> str:
        if (role, path) not in fetched:
            fetched[(role, path)] = who[role][0].get(path).content.decode()
        return fetched[(role, path)]

    for route in pages:
        path = fill(route, world)
        for role in ROLES:
            if role not in MATRIX[(route, "GET")]:
                continue
            r = who[role][0].get(path)
            if r.status_code != 200 or not r["Content-Type"].startswith("text/html"):
                continue
            parser = Actions()
            parser.feed(r.content.decode())
            for method, url in parser.found:
                target = route_of(url, path)
                # the brand's link home is for everyone (it leads anonymous users to sign in)
                if target in (None, "") or (target, method) not in MATRIX:
                    continue
                other = action_roles(target, url, path, world)
                if target in BY_ACCOUNT:
                    if not allowed_on_account(role, target, url):
                        wrong.append(f"{path} as {role} shows {method} {url}")
                elif other is not None:
                    if role not in other:
                        wrong.append(f"{path} as {role} shows {method} {url}")
                elif role not in MATRIX[(target, method)]:
                    wrong.append(f"{path} as {role} shows {method} {url}")
                link = urlsplit(url)
                if (
                    method == "GET"
                    and link.fragment
                    and link.path
                    and f'id="{link.fragment}"' not in page_of(role, link.path)
                ):
                    wrong.append(f"{path} as {role} links {url}, which {role} cannot see")
    assert not wrong, "\n".join(sorted(set(wrong)))
