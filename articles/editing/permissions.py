"""Who may do what in the editing room: what each write needs, checked on GET and POST.

A screen that writes asks for the permissions of everything it changes, and asks
before it shows its form, so nobody is offered what they may not do. Undoing a
structure change needs what making it needed.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

from articles.models import StructureChange

Op = StructureChange.Operation

VIEW_ARTICLE = ("articles.view_article",)
CORRECT = ("articles.change_article",)
VERIFY = (*CORRECT, "articles.verify_article")
REPLACE = (*CORRECT, "articles.replace_across_archive")
BYLINES = (
    "articles.add_authorship",
    "articles.change_authorship",
    "articles.delete_authorship",
)
RESTRUCTURE = (*CORRECT, *BYLINES)  # split, merge and move may copy and drop bylines
VIEW_REPORT = ("articles.view_readerreport",)
DISMISS_REPORT = ("articles.change_readerreport",)
ACCEPT_REPORT = (*DISMISS_REPORT, *CORRECT)

OPERATION = {
    Op.SPLIT: RESTRUCTURE,
    Op.MERGE: RESTRUCTURE,
    Op.MOVE: RESTRUCTURE,
    Op.REORDER: CORRECT,
    Op.PLACEMENT: CORRECT,
    Op.AUTHORSHIPS: RESTRUCTURE,
    Op.AFFILIATION: ("articles.change_affiliation",),
    Op.MERGE_AUTHORS: ("articles.change_author", *BYLINES),
    Op.MERGE_AFFILIATIONS: ("articles.change_affiliation", *BYLINES),
    Op.UNDO: CORRECT,
}


def require(user, permissions, message: str = "您没有进行此操作的权限。") -> None:
    if not user.has_perms(permissions):
        raise PermissionDenied(message)


def requires(permissions, *, methods=("GET", "POST")):
    """View decorator: permission first (403), then the method (405)."""

    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request.user, permissions)
            if request.method not in allowed:
                return HttpResponseNotAllowed(sorted(allowed))
            return view(request, *args, **kwargs)

        return checked

    return decorate
