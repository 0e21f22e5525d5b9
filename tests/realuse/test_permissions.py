"""The permission matrix: every admin view editors use × every role × GET and POST.

Each request is either allowed, or refused with 403, 405 or a redirect to the login
page; a refused request changes nothing in the database (a digest of every table of
the archive, the users and the admin log, before and after). An allowed POST that
writes does change it, so the refusals are refusals of real writes. The views are
found by walking the admin's URLs, so a new one cannot be left out.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from articles.editing.suggestions import suggestions_for
from tests.forms import form_data

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "reader",
    "staff_without_group",
    "editor_a",
    "reviewer_a",
    "superuser",
]
CORRECT = ("articles.change_article",)
BYLINES = (
    "articles.add_authorship",
    "articles.change_authorship",
    "articles.delete_authorship",
)


@dataclass
class Scene:
    """What the matrix's requests act on, on top of the archive in use."""

    archive: object
    superuser: object  # the client that opens a form to fill it, as a browser would
    article: object  # a correction and a flag, never touched by reviewer_a
    split: object  # a split nobody undid yet
    batch: object  # a find-and-replace batch nobody undid yet
    authors: list = field(default_factory=list)  # two spellings of one person
    places: list = field(default_factory=list)  # two spellings of one place
    spare_author: object = None  # linked to nothing: can be deleted
    spare_place: object = None
    clients: dict = field(default_factory=dict)  # one logged-in client per role
    digest: str = ""  # of the database as every test starts from it


@dataclass(frozen=True)
class View:
    """An admin view, the permissions a GET and a POST need (None: nobody), the POST."""

    name: str
    args: Callable[[Scene], list]
    get: tuple[str, ...] | None
    post: tuple[str, ...] | None
    data: Callable = lambda scene, url: {}
    writes: bool = True  # an allowed POST changes the database

    def __str__(self):
        return self.name


def browser_form(form_id=None, submit=None, **changes):
    """POST data as a superuser's browser would fill the form the view shows."""

    def data(scene, url):
        return {
            **form_data(scene.superuser.get(url), form=form_id, submit=submit),
            **changes,
        }

    return data


def version_of(article):
    from articles.models import Article

    return Article.objects.values_list("version", flat=True).get(pk=article.pk)


def correction(scene, url):
    return {
        "base_version": version_of(scene.article),
        "kicker": scene.article.kicker,
        "title": scene.article.title,
        "lede": scene.article.lede,
        "body": scene.article.body + "\n\n补一段。",
        "note": "补段",
    }


def replace_all(scene, url):
    from articles.editing import replacing

    matches = replacing.find_matches(
        "工会", "工會", is_regex=False, scope=replacing.Scope()
    )
    return {
        "pattern": "工会",
        "replacement": "工會",
        "match": [m.key for m in matches[:2]],
        "note": "矩阵",
    }


def reorder(scene, url):
    filled = form_data(scene.superuser.get(url))
    first, second = filled["base_order"].split(",")[:2]
    return {**filled, f"position-{first}": "2", f"position-{second}": "1"}


def merge(objects):
    def data(scene, url):
        keep, other = getattr(scene, objects)
        return {
            "action": "action",
            "_selected_action": [keep.pk, other.pk],
            "keep": keep.pk,
        }

    return data


def article(s):
    return [s.article.pk]


def issue(s):
    return [s.article.issue_id]


def nothing(s):
    return []


def delete(scene, url):
    return {"post": "yes"}


VIEWS = [
    # The article admin's editing views.
    View("articles_article_queue", nothing, CORRECT, None),
    View(
        "articles_article_replace",
        nothing,
        (*CORRECT, "articles.replace_across_archive"),
        (*CORRECT, "articles.replace_across_archive"),
        replace_all,
    ),
    View(
        "articles_article_restructure",
        article,
        (*CORRECT, *BYLINES),
        (*CORRECT, *BYLINES),
        browser_form("split-form", "action", at_paragraph="2", title="矩阵拆出"),
    ),
    View("articles_article_correct", article, CORRECT, CORRECT, correction),
    View(
        "articles_article_suggestion",
        article,
        None,
        CORRECT,
        lambda s, u: {"action": "reject", "key": suggestions_for(s.article)[0]["key"]},
    ),
    View(
        "articles_article_status",
        article,
        None,
        (*CORRECT, "articles.verify_article"),
        lambda s, u: {"status": "verified", "base_version": version_of(s.article)},
    ),
    View(
        "articles_article_resolve_flag",
        lambda s: [s.article.pk, 0],
        None,
        CORRECT,
        lambda s, u: {"base_version": version_of(s.article)},
    ),
    View("articles_article_revisions", article, ("articles.view_article",), None),
    View(
        "articles_article_revert",
        lambda s: [s.article.pk, 1],
        CORRECT,
        CORRECT,
        lambda s, u: {"base_version": version_of(s.article), "note": "回退"},
    ),
    View(
        "articles_article_change",
        article,
        ("articles.view_article",),
        CORRECT,
        browser_form(position="9"),
    ),
    View("articles_article_add", nothing, None, None),
    View("articles_article_delete", article, None, None, delete),
    # The page admin's views.
    View("archive_issue_reorder", issue, CORRECT, CORRECT, reorder),
    View(
        "archive_issue_scans",
        issue,
        ("archive.view_scan",),
        ("archive.view_scan",),
        writes=False,
    ),
    View(
        "archive_article_region",
        lambda s: [s.archive.scan.issue.articles.first().pk],
        None,
        CORRECT,
        lambda s, u: {
            "scan": s.archive.scan.pk,
            "x": 0.1,
            "y": 0.1,
            "w": 0.5,
            "h": 0.5,
        },
    ),
    View(
        "archive_issue_change",
        issue,
        ("archive.view_issue",),
        ("archive.change_issue",),
        browser_form(page_label="第9版"),
    ),
    View("archive_issue_add", nothing, None, None),
    View("archive_issue_delete", issue, None, None, delete),
    # Find-and-replace batches and structure changes: read, and undone.
    View(
        "articles_replacebatch_undo",
        lambda s: [s.batch.pk],
        (*CORRECT, "articles.replace_across_archive"),
        (*CORRECT, "articles.replace_across_archive"),
    ),
    View(
        "articles_replacebatch_change",
        lambda s: [s.batch.pk],
        ("articles.view_replacebatch",),
        None,
    ),
    View("articles_replacebatch_add", nothing, None, None),
    View("articles_replacebatch_delete", lambda s: [s.batch.pk], None, None, delete),
    View(
        "articles_structurechange_undo",
        lambda s: [s.split.pk],
        ("articles.view_structurechange", *CORRECT, *BYLINES),
        ("articles.view_structurechange", *CORRECT, *BYLINES),
    ),
    View(
        "articles_structurechange_change",
        lambda s: [s.split.pk],
        ("articles.view_structurechange",),
        None,
    ),
    View("articles_structurechange_add", nothing, None, None),
    View("articles_structurechange_delete", lambda s: [s.split.pk], None, None, delete),
    # Reader reports.
    *[
        View(
            name,
            lambda s: [s.archive.report.pk],
            ("articles.view_readerreport",),
            ("articles.change_readerreport", *CORRECT),
            lambda s, u: {
                "action": "accept",
                "base_version": version_of(s.archive.report.article),
            },
        )
        for name in ("articles_readerreport_handle", "articles_readerreport_change")
    ],
    View("articles_readerreport_add", nothing, None, None),
    View(
        "articles_readerreport_delete",
        lambda s: [s.archive.report.pk],
        ("articles.delete_readerreport",),
        ("articles.delete_readerreport",),
        delete,
    ),
    # Revisions and bylines: read here, written on their article's screens.
    View(
        "articles_revision_change",
        lambda s: [s.article.revisions.first().pk],
        ("articles.view_revision",),
        None,
    ),
    View("articles_revision_add", nothing, None, None),
    View(
        "articles_revision_delete",
        lambda s: [s.article.revisions.first().pk],
        None,
        None,
        delete,
    ),
    View(
        "articles_authorship_change",
        lambda s: [s.authors[0].authorships.first().pk],
        ("articles.view_authorship",),
        None,
    ),
    View("articles_authorship_add", nothing, None, None),
    View(
        "articles_authorship_delete",
        lambda s: [s.authors[0].authorships.first().pk],
        None,
        None,
        delete,
    ),
    # People and places: edited, added, merged; deleted only by whoever may.
    View(
        "articles_author_change",
        lambda s: [s.authors[0].pk],
        ("articles.view_author",),
        ("articles.change_author",),
        browser_form(name="矩阵改名"),
    ),
    View(
        "articles_author_add",
        nothing,
        ("articles.add_author",),
        ("articles.add_author",),
        browser_form(name="矩阵作者", aliases="[]"),
    ),
    View(
        "articles_author_delete",
        lambda s: [s.spare_author.pk],
        ("articles.delete_author",),
        ("articles.delete_author",),
        delete,
    ),
    View(
        "articles_author_changelist",
        nothing,
        ("articles.view_author",),
        ("articles.change_author", *BYLINES),
        merge("authors"),
    ),
    View(
        "articles_affiliation_change",
        lambda s: [s.places[0].pk],
        ("articles.view_affiliation",),
        ("articles.change_affiliation",),
        browser_form(name="矩阵单位"),
    ),
    View(
        "articles_affiliation_add",
        nothing,
        ("articles.add_affiliation",),
        ("articles.add_affiliation",),
        browser_form(name="矩阵新单位", aliases="[]"),
    ),
    View(
        "articles_affiliation_delete",
        lambda s: [s.spare_place.pk],
        ("articles.delete_affiliation",),
        ("articles.delete_affiliation",),
        delete,
    ),
    View(
        "articles_affiliation_changelist",
        nothing,
        ("articles.view_affiliation",),
        ("articles.change_affiliation", *BYLINES),
        merge("places"),
    ),
]
# The admins whose custom views are all in the matrix, and the models editors change.
ADMINS = ["articles.article", "archive.issue", "articles.replacebatch"]
ADMINS += ["articles.structurechange", "articles.readerreport"]
EDITED = ["articles.revision", "articles.authorship", "articles.author"]
EDITED += ["articles.affiliation"]
STANDARD = ("changelist", "add", "change", "delete", "history")


def test_the_matrix_covers_every_custom_view_and_every_write_of_what_editors_touch():
    names = {v.name for v in VIEWS}
    wanted = set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        prefix = label.replace(".", "_")
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            standard = name.removeprefix(prefix + "_") in STANDARD
            if label in ADMINS and name and not standard:
                wanted.add(name)
            if label in ADMINS + EDITED and name.endswith(
                ("_add", "_change", "_delete")
            ):
                wanted.add(name)
    assert wanted <= names, sorted(wanted - names)


@pytest.fixture(scope="module")
def scene(archive_in_use, django_db_blocker):
    """Undone work to undo, and a few people and places, inside the archive in use."""
    from articles.editing import corrections, replacing, revisions, structure
    from articles.models import (
        Affiliation,
        Article,
        Author,
        Authorship,
        Province,
        StructureChange,
    )

    users = archive_in_use.users
    with django_db_blocker.unblock():
        users["superuser"] = User.objects.create_superuser("chief", "chief@example.org")
        candidates = Article.objects.filter(
            issue=archive_in_use.dated_later, published=True
        ).exclude(pk=archive_in_use.report.article_id)
        target, neighbour = [a for a in candidates if len(a.paragraphs) > 2][:2]
        corrections.save_correction(
            target,
            editor=users["editor_b"],
            base_version=target.version,
            changes={"title": target.title + "（校）"},
            note="校题",
        )
        Article.objects.filter(pk=target.pk).update(
            review_flags=[{"code": "matrix", "message": "核对署名"}]
        )
        target.refresh_from_db()
        assert users["reviewer_a"].pk not in revisions.text_editors_since_verification(
            target
        )
        structure.split_article(
            neighbour,
            base_version=neighbour.version,
            at_paragraph=2,
            title="矩阵拆分",
            editor=users["editor_b"],
        )
        scope = replacing.Scope(issue=archive_in_use.undated.pk)
        matches = replacing.find_matches("工会", "工會", is_regex=False, scope=scope)
        batch = replacing.apply_replacement(
            "工会",
            "工會",
            is_regex=False,
            scope=scope,
            selected={m.key for m in matches[:1]},
            editor=users["reviewer_b"],
            note="矩阵批次",
        ).batch
        beijing = Province.objects.get(short_name="北京")
        places = [
            Affiliation.objects.create(name=n, province=beijing)
            for n in ("甲院", "甲 院")
        ]
        authors = [Author.objects.create(name=n) for n in ("赵六", "赵 六")]
        for order, (author, place) in enumerate(zip(authors, places, strict=True), 1):
            Authorship.objects.create(
                article=target, author=author, affiliation=place, order=order + 10
            )
        made = Scene(
            archive=archive_in_use,
            superuser=archive_in_use.client_for("superuser"),
            article=Article.objects.get(pk=target.pk),
            split=StructureChange.objects.get(
                operation="split", undone_at__isnull=True
            ),
            batch=batch,
            authors=authors,
            places=places,
            spare_author=Author.objects.create(name="孤名"),
            spare_place=Affiliation.objects.create(name="孤院"),
        )
        made.clients = {role: archive_in_use.client_for(role) for role in ROLES}
        made.digest = digest()
        yield made


CASES = [
    pytest.param(view, role, method, id=f"{view.name}-{role}-{method}")
    for view in VIEWS
    for role in ROLES
    for method in ("GET", "POST")
]


@pytest.mark.parametrize(("view", "role", "method"), CASES)
def test_permission_matrix(scene, view, role, method):
    client = scene.clients[role]
    url = reverse(f"admin:{view.name}", args=view.args(scene))
    data = view.data(scene, url) if method == "POST" else None
    response = client.get(url) if method == "GET" else client.post(url, data)
    if may(role, scene, view.get if method == "GET" else view.post):
        assert response.status_code < 400 and not to_login(response), response
        if method == "POST" and view.writes:
            assert digest() != scene.digest, "an allowed write changed nothing"
    else:
        assert response.status_code in (403, 405) or to_login(response), response
        assert digest() == scene.digest, "a refused request changed the database"


def may(role, scene, permissions) -> bool:
    if permissions is None or role == "anonymous":
        return False
    user = User.objects.get(pk=scene.archive.users[role].pk)  # no cached permissions
    return user.is_staff and user.has_perms(permissions)


def to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("admin:login")
    )


def digest() -> str:
    """One hash of every row of the archive's, the users' and the admin log's tables.

    The users' last login is left out (a login is not a view's write). Every test
    starts from the same rows (its writes are rolled back), so one digest taken with
    the scene serves as every test's "before".
    """
    sha = hashlib.sha256()
    for label in ("archive", "articles", "auth", "admin"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if (model, f.name) != (User, "last_login")
            ]
            for row in model.objects.order_by("pk").values_list(*names):
                sha.update(repr(row).encode())
    return sha.hexdigest()
