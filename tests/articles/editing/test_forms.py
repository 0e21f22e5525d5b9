"""The editing forms: text as browsers send it, the base each write names, structure."""

from articles.editing.forms import (
    STALE_FORM,
    CorrectionForm,
    MoveForm,
    ReorderForm,
    SplitForm,
    StructureForm,
    VersionForm,
)


def test_the_correction_form_turns_browser_line_breaks_into_paragraphs():
    form = CorrectionForm(
        {
            "base_version": "3",
            "title": "标题",
            "body": "第一段。\r\n\r\n第二段\x07。",
            "note": "改",
        }
    )
    assert form.is_valid(), form.errors
    assert form.changes() == {
        "kicker": "",
        "title": "标题",
        "lede": "",
        "body": "第一段。\n\n第二段。",
    }
    assert form.cleaned_data["base_version"] == 3


def test_a_form_without_a_valid_base_version_is_stale():
    for value in ("", "abc", "0"):
        form = VersionForm({"base_version": value})
        assert not form.is_valid()
    assert VersionForm({"base_version": "abc"}).errors["base_version"] == [STALE_FORM]


class Row:
    def __init__(self, pk, version=1, position=1, title="题"):
        self.pk, self.version, self.position, self.title = pk, version, position, title


def test_structure_forms_carry_the_versions_the_editor_saw():
    encoded = StructureForm.encode([Row(4, 2), Row(9, 7)])
    assert encoded == "4:2,9:7"
    form = SplitForm(
        {"versions": encoded, "at_paragraph": "2", "title": "新", "kind": "article"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["versions"] == {4: 2, 9: 7}
    broken = SplitForm(
        {"versions": "4:x", "at_paragraph": "2", "title": "新", "kind": "article"}
    )
    assert broken.errors["versions"] == [STALE_FORM]


def test_paragraph_numbers_are_read_as_a_person_writes_them(db):
    form = MoveForm({"versions": "1:1", "paragraphs": "3，4, 6"})
    form.is_valid()
    assert form.cleaned_data["paragraphs"] == [2, 3, 5]
    form = MoveForm({"versions": "1:1", "paragraphs": "三"})
    form.is_valid()
    assert "paragraphs" in form.errors


def test_the_reorder_form_orders_by_the_new_positions_and_keeps_the_old_order():
    rows = [Row(5, position=1, title="甲"), Row(6, position=2, title="乙")]
    blank = ReorderForm(articles=rows)
    assert blank.initial["base_order"] == "5,6"
    assert 'aria-label="《甲》的顺序"' in str(blank["position-5"])
    form = ReorderForm(
        {"base_order": "5,6", "position-5": "2", "position-6": "1"}, articles=rows
    )
    assert form.is_valid(), form.errors
    assert (form.order(), form.cleaned_data["base_order"]) == ([6, 5], [5, 6])
    # An article missing from the form (added since) keeps its place; ties keep order.
    form = ReorderForm({"base_order": "5", "position-5": "2"}, articles=rows)
    assert form.is_valid(), form.errors
    assert form.order() == [5, 6]
