"""The permission matrix's table: the roles, and every admin view editors use with what
it needs and how to call it (tests/realuse/test_permissions.py runs it)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from articles.editing.suggestions import suggestions_for
from tests.forms import form_data

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
