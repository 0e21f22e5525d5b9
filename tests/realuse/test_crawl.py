"""Crawls the archive in use as a reader, a harvester and an editor: no server error, no
withdrawn title or name on a public response, markup escaped wherever it is shown."""

from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import resolve
from lxml import etree, html

from articles.models import Article
from tests.realuse import crawler

pytestmark = pytest.mark.django_db

START = [
    "/",
    "/robots.txt",
    "/sitemap.xml",
    "/feeds/articles.rss",
    "/feeds/articles.atom",
    "/api/",
    *(
        f"/oai?{urlencode(q)}"
        for q in (
            {"verb": "Identify"},
            {"verb": "ListSets"},
            {"verb": "ListMetadataFormats"},
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
            {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        )
    ),
]
# OAI-PMH reads its arguments only under a verb that takes them.
OAI_BASES = (
    "",
    "verb=ListRecords&metadataPrefix=oai_dc",
    "verb=GetRecord&metadataPrefix=oai_dc",
)
OAI_ARGUMENTS = {"from", "until", "set", "identifier", "resumptionToken"}
STANDARD_ADMIN = ("_changelist", "_add", "_history", "_delete", "_change")
ADMIN_SITE_VIEWS = {
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:auth_user_password_change",
    "admin:",
}
# A form field posted with each of these while the others keep what the page holds.
POST_EDGES = ["abc", "99999999999999999999", "", "%00", "%ED%A0%80", "x" * 10_000]


def client(archive, role: str):
    """A client for `role` that hands back a server error as a response to check."""
    browser = archive.client_for(role)
    browser.raise_request_exception = False
    return browser


def custom_admin(route: crawler.Route) -> bool:
    return route.is_admin and not (
        route.name in ADMIN_SITE_VIEWS or route.name.endswith(STANDARD_ADMIN)
    )


def admin_sample(route: str) -> dict[str, str]:
    """Real rows for an admin route's ids: the first of the model its path names."""
    _, app, model_name, *_ = route.split("/")
    model = apps.get_model(app, model_name)
    sample = {}
    for name in crawler.placeholders(route):
        if name in ("pk", "article_pk"):
            target = apps.get_model("articles", "Article") if name != "pk" else model
            sample[name] = str(target.objects.order_by("pk").values("pk")[0]["pk"])
        else:  # a flag index, a revision number
            sample[name] = "1"
    return sample


def public_sample(route: str, crawl: crawler.Crawl) -> dict[str, str]:
    """The path values of the first page the crawl reached on `route` ("1" if none)."""
    for path in crawl.by_route.get(route, []):
        match = resolve(urlsplit(path).path)
        return {k: quote(str(v), safe="") for k, v in match.captured_kwargs.items()}
    return {name: "1" for name in crawler.placeholders(route)}


def posted_forms(path: str, text: str):
    """Each POST form of a page as a browser sends it: (target, fields), per button."""
    for form in html.fromstring(text).forms:
        if (form.method or "GET").upper() != "POST":
            continue
        fields = list(form.form_values())
        buttons = form.xpath(".//button[@name] | .//input[@type='submit'][@name]")
        for button in buttons or [None]:
            extra = (
                [] if button is None else [(button.get("name"), button.get("value"))]
            )
            target = crawler.site_path(form.get("action") or path, path)
            yield target, fields + [(k, v or "") for k, v in extra]


def post_edges(browser, path: str, text: str, checks: crawler.Checks) -> int:
    """Posts the page's forms with one field at a time set to each edge value (each
    field of each target once, however many forms the page repeats)."""
    done, count = set(), 0
    for target, fields in posted_forms(path, text):
        for index, (name, _) in enumerate(fields):
            key = (crawler.route_of(target), name, fields[-1])
            if name == "csrfmiddlewaretoken" or key in done:
                continue
            done.add(key)
            for value in POST_EDGES:
                body = "&".join(
                    f"{quote(k)}={value if i == index else quote(v)}"
                    for i, (k, v) in enumerate(fields)
                )
                response = browser.post(
                    target, body, content_type="application/x-www-form-urlencoded"
                )
                checks.check(
                    f"POST {target} {name}={value[:20]}", response, public=False
                )
                count += 1
    return count


def test_no_server_error_leak_or_unescaped_markup_anywhere(archive_in_use):
    """Every page reachable from / and every URL pattern with edge values: no response
    is a server error, no public one names the withdrawn article or its author, every
    HTML page shows the planted markup as text, JSON and XML parse."""
    a = archive_in_use
    checks = crawler.Checks(
        leaks=[a.withdrawn.title, a.withdrawn_author],
        payload="<script>alert(1)</script>",
    )
    reads = crawler.ParameterReads()
    everything = crawler.routes()
    # The crawl is one client asking far more than the API's rate allows.
    with reads.recording(), override_settings(API_ANON_RATE="100000/minute"):
        # 1. Anonymous, from the home page: every link, sitemap, feed, OAI and API link.
        crawl = crawler.Crawl(client(a, "anonymous"), checks, reads)
        crawl.run(START)
        linked = len(crawl.visited)

        # 2. Every public pattern with edge values in its path and in each parameter
        #    its view reads, anonymous.
        edge = 0
        anonymous = client(a, "anonymous")
        for route in (r for r in everything if not r.is_admin):
            sample = public_sample(route.route, crawl)
            if route.route not in crawl.by_route:
                path = crawler.fill(route.route, sample)
                response, read = reads.get(anonymous, path)
                checks.check(path, response, public=True)
                crawl.params[route.route] |= read
                edge += 1
            params = crawler.query_names(crawl.by_route.get(route.route, []))
            for name in crawl.params[route.route]:
                params.setdefault(name, set())
            bases = ("",)
            if route.name == "research:oai":
                bases = OAI_BASES
                for name in OAI_ARGUMENTS:
                    params.setdefault(name, set())
            for url in crawler.edge_urls(route.route, sample, params, bases):
                checks.check(url, anonymous.get(url), public=True)
                edge += 1

        # 3. The admin's own views as an editor: edge values in the path and in each
        #    parameter read, then each form posted with one field at a time set to an
        #    edge value.
        editor = client(a, "reviewer_a")
        admin_views = [r for r in everything if custom_admin(r)]
        for route in admin_views + [r for r in everything if r.name == "admin:index"]:
            sample = (
                admin_sample(route.route) if crawler.placeholders(route.route) else {}
            )
            path = crawler.fill(route.route, sample)
            response, read = reads.get(editor, path)
            text = checks.check(path, response, public=False)
            edge += 1
            for url in crawler.edge_urls(route.route, sample, {n: set() for n in read}):
                checks.check(url, editor.get(url), public=False)
                edge += 1
            if text and response["Content-Type"].startswith("text/html"):
                edge += post_edges(editor, path, text, checks)

    print(f"\ncrawler: {linked + edge} URLs ({linked} by links, {edge} edge values)")
    if checks.failures:
        pytest.fail("\n".join(f[:300] for f in checks.failures), pytrace=False)
    # The crawl reached every public article and showed the planted markup as text.
    public = Article.objects.public().values_list("pk", flat=True)
    assert {f"/article/{pk}/" for pk in public} <= set(
        crawl.by_route["article/<int:pk>/"]
    )
    assert f"/article/{a.payload_article.pk}/" in checks.html_pages_with_escaped_payload


def test_json_and_xml_carry_the_planted_markup_as_text(archive_in_use, client):
    """The API, OAI-PMH and the Atom feed hand the payload over as the text it is."""
    article = archive_in_use.payload_article
    cache.clear()  # the API's rate counts of earlier tests
    api = client.get(f"/api/articles/{article.pk}/").json()
    assert (api["title"], api["lede"]) == (article.title, article.lede)
    record = client.get(
        "/oai",
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{article.pk}",
        },
    )
    titles = etree.fromstring(record.content).xpath(
        "//dc:title/text()", namespaces={"dc": "http://purl.org/dc/elements/1.1/"}
    )
    assert titles == [article.title]
    atom = etree.fromstring(client.get("/feeds/articles.atom").content)
    assert article.title in atom.xpath(
        "//a:entry/a:title/text()", namespaces={"a": "http://www.w3.org/2005/Atom"}
    )
