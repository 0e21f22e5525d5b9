"""People of a piece: byline names joined with what the author notes say of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archive.ingest import places
from archive.ingest.parsing.records import Person
from archive.ingest.parsing.units import NOTE_START, NOTE_VERB, is_name, tolerant

if TYPE_CHECKING:  # drafts are built in grouping, which reads notes through here
    from archive.ingest.parsing.grouping import Draft


@dataclass
class NoteClause:
    names: list[str]
    unit: bool  # 单位 (affiliation only) rather than a role
    texts: list[str]
    each: bool = False  # 分别为: one text per name, in order


def parse_note(note: str) -> list[NoteClause]:
    """(作者甲为…，乙为…) / (作者单位：…) / (作者甲、乙单位为…) into clauses."""
    content = re.sub(r"\s+", "", tolerant(note))
    content = NOTE_START.sub("", content, count=1)
    content = re.sub(r"[)）]$", "", content)
    clauses: list[NoteClause] = []
    for part in re.split(r"[,;]", content):
        clause = _note_clause(part) if part else None
        if clause is not None:
            clauses.append(clause)
        elif part and clauses:
            clauses[-1].texts.append(part)  # 教授,博士生导师: more of the same role
        elif part:
            clauses.append(NoteClause([], True, [part]))
    return clauses


def _note_clause(part: str) -> NoteClause | None:
    """甲、乙单位为X / 甲为X / 单位:X / 为X; None when part names nobody."""
    for verb in NOTE_VERB.finditer(part):
        head, text = part[: verb.start()], part[verb.end() :]
        unit = each = False
        for suffix in ("分别", "均", "都", "单位"):
            if head.endswith(suffix):
                head = head[: -len(suffix)]
                unit = unit or suffix == "单位"
                each = each or suffix == "分别"
        if head.endswith("单位"):
            head, unit = head[:-2], True
        if not text:
            continue
        if not head:
            return NoteClause([], unit, [text])
        names = head.split("、")
        if all(is_name(n, strict=False) for n in names):
            return NoteClause(names, unit, [text], each)
    return None


def same_person(a: str, b: str) -> bool:
    """The same name, or one OCR-misread character apart."""
    # OCR may misread one character of a name between byline and note.
    same = sum(x == y for x, y in zip(a, b, strict=False))
    return len(a) == len(b) and same * 2 > len(a)


def _find_author(authors: list[Person], name: str, draft: Draft) -> Person:
    """The byline author a note names; a new author when the byline lacks the name."""
    person = next((p for p in authors if p.name == name), None)
    if person is None:
        person = next(
            (p for p in authors if p.name and same_person(p.name, name)), None
        )
        if person is not None:
            draft.flag(
                "name_mismatch", f"署名“{person.name}”与作者注“{name}”不一致，请核对。"
            )
    if person is None:
        person = Person(name)
        authors.append(person)
    return person


def _set_from_note(person: Person, unit: bool, text: str, draft: Draft) -> None:
    if unit:
        person.affiliation, person.role = places.canonical_affiliation(text), None
        return
    person.affiliation, person.role = places.split_role(text)
    institutions = places.role_institutions(text)[0]
    # Employer over honours is decided by data/post_kinds.tsv; flagged when two
    # posts could both be the employer (a legislature and a union).
    if len(institutions) > 1 and not places.employer(text)[1]:
        draft.flag(
            "affiliation_choice",
            f"“{text}”涉及多个单位（{'、'.join(institutions)}），"
            f"单位取“{person.affiliation}”，请核对。",
        )


def _apply_named(clause: NoteClause, authors: list[Person], draft: Draft) -> set[int]:
    """甲为X，乙为Y / 甲、乙单位为X / 甲、乙分别为X、Y."""
    texts = clause.texts
    if clause.each:
        texts = re.split(r"[、和及]", "、".join(texts))
    informed = set()
    for n, name in enumerate(clause.names):
        person = _find_author(authors, name, draft)
        if clause.unit:
            text = texts[0]
        elif clause.each and len(texts) == len(clause.names):
            text = texts[n]
        else:
            text = "、".join(texts)
        _set_from_note(person, clause.unit, text, draft)
        informed.add(id(person))
    return informed


def _apply_unnamed(
    clause: NoteClause, authors: list[Person], informed: set[int], draft: Draft
) -> set[int]:
    """作者单位：X / 作者为X: for the byline authors the note has not named."""
    waiting = [p for p in authors if id(p) not in informed]
    if not waiting and authors:
        draft.flag("note_unmatched", "作者注无法对应到署名，请核对。")
        return set()
    if not waiting:
        waiting = [Person(None)]
        authors += waiting
        draft.flag(
            "author_name_missing", "版面未印作者姓名，作者信息仅来自作者注，请补姓名。"
        )
    if clause.unit and len(clause.texts) == len(waiting) > 1:
        for person, text in zip(waiting, clause.texts, strict=True):
            _set_from_note(person, True, text, draft)  # 单位：A；B in byline order
    else:
        text = clause.texts[0] if clause.unit else "、".join(clause.texts)
        for person in waiting:
            _set_from_note(person, clause.unit, text, draft)
        if len(waiting) > 1 and not clause.unit:
            draft.flag(
                "note_ambiguous", "作者注未写明对应哪位作者，已给所有作者，请核对。"
            )
    return {id(p) for p in waiting}


def authors_of(draft: Draft, kind: str) -> list[Person]:
    """Byline and reporter names joined with what the author notes say of them."""
    authors = [Person(name) for name in draft.byline]
    authors += [Person(p.name, p.role) for p in draft.reporters]
    informed: set[int] = {id(p) for p in authors if p.role}  # reporters
    for note in draft.notes:
        clauses = parse_note(note)
        for clause in clauses:
            if clause.names:
                informed |= _apply_named(clause, authors, draft)
        for clause in clauses:
            if not clause.names:
                informed |= _apply_unnamed(clause, authors, informed, draft)
    for person in authors:
        _locate(person, draft)
        if kind == "article" and person.name and not draft.notes:
            draft.flag(
                "affiliation_missing", f"作者“{person.name}”没有作者注，单位未知。"
            )
    return authors


def _locate(person: Person, draft: Draft) -> None:
    """The province of the author's institution, flagged when not sure."""
    if not person.affiliation:
        return
    where = places.locate(person.affiliation)
    person.province = where.province
    place, who = person.affiliation, person.name or "作者"
    if where.status == "unknown":
        draft.flag("province_unknown", f"无法判断“{place}”（{who}）所在省份。")
    elif where.status == "ambiguous":
        options = "、".join(where.candidates)
        draft.flag(
            "province_ambiguous",
            f"“{place}”（{who}）的地名在多个省份都有（{options}），请选定。",
        )
    elif where.status == "guess":
        draft.flag(
            "province_guess",
            f"“{place}”（{who}）按全国性机构推定在{where.province}，请核对。",
        )
