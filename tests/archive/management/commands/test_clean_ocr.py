"""The clean_ocr command: OCR text on stdin, cleaned text or suggestions on stdout."""

import io
import json

import pytest
from django.core.management import call_command

from archive.models import LearnedCorrection


def run(monkeypatch, text: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("clean_ocr", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prints_the_cleaned_text_without_adding_a_line_end(monkeypatch):
    assert run(monkeypatch, "G热点思考") == "热点思考"
    assert run(monkeypatch, "加强 学习,提高本领。") == "加强学习，提高本领。"


@pytest.mark.django_db
def test_prints_suggestions_as_json_with_learned_corrections(monkeypatch):
    """Suggestions include corrections editors accepted before, from the database."""
    LearnedCorrection.objects.create(wrong="智惹", right="智慧")
    found = json.loads(run(monkeypatch, "建设智惹工会，加大投人。", "--suggestions"))
    assert [(s["original"], s["replacement"], s["kind"]) for s in found] == [
        ("智惹", "智慧", "learned"),
        ("投人", "投入", "confusion"),
    ]
    assert found[1]["start"] == 9


@pytest.mark.django_db
def test_prints_an_empty_list_for_clean_text(monkeypatch):
    assert json.loads(run(monkeypatch, "坚持和完善制度。", "--suggestions")) == []
