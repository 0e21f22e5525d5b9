"""HTML forms as a browser submits them: the fields a page renders, filled in, posted."""

from lxml import html


def form_data(response, *, form: str | None = None, submit: str | None = None) -> dict:
    """The values a browser would send for one form of `response` (its id, or the
    page's largest form: the admin's header also holds a small logout form).

    Text inputs, ticked boxes, selected options and textareas, as rendered, so a test
    re-submits exactly what the screen holds (the CSRF token and hidden base version
    included). `submit` names the button pressed, when the view looks at it.
    """
    page = html.fromstring(response.content.decode())
    forms = page.forms
    chosen = (
        max(forms, key=lambda f: len(f.inputs))
        if form is None
        else next(f for f in forms if f.get("id") == form)
    )
    data: dict[str, list[str]] = {}
    for name, value in chosen.form_values():
        data.setdefault(name, []).append(value)
    if submit:
        button = chosen.xpath(f'.//*[@name="{submit}"]')
        data[submit] = [button[0].get("value", "") if button else ""]
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def post_form(client, url: str, changes: dict | None = None, **options):
    """GET `url`, fill its form with `changes`, POST it back (what a person does)."""
    data = form_data(client.get(url), **options)
    data.update(changes or {})
    return client.post(url, data)
