"""The search page: read the parameters, build the page, render it."""

from django.shortcuts import redirect, render

from articles.search.page import build_search_page, within_redirect


def search(request):
    url = within_redirect(request.GET)
    if url:
        return redirect(url)
    return render(
        request, "search/search.html", {"page": build_search_page(request.GET)}
    )
