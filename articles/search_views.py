"""The search page: read the parameters, build the page, render it."""

from django.shortcuts import redirect, render

from articles import search_text
from articles.search_page import build_search_page, within_redirect

# Web processes load the search dictionary in the background as soon as the search URLs
# are imported, so the first search does not wait ~1 s for jieba (management commands
# never import this module).
search_text.warm_up_in_background()


def search(request):
    url = within_redirect(request.GET)
    if url:
        return redirect(url)
    return render(
        request, "search/search.html", {"page": build_search_page(request.GET)}
    )
