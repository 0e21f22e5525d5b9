"""Generated layouts: the labelled seed pages taken apart into pieces and laid out anew.

Each seed piece becomes a Block of printed lines by role (header, kicker, title, lede,
byline, body, note) with its label attached. A layout moves whole roles or blocks the
way the paper's pages do, and edits the label only where the paper's conventions say
the truth changes (a dropped kicker, a swapped name, a piece without column header).
"""

from __future__ import annotations

import copy
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest import places, tables
from archive.ingest.parsing import parse_page
from archive.ingest.parsing.grouping import group
from archive.ingest.parsing.repair import repair
from archive.ingest.parsing.units import segment, strip_markers

ROOT = Path(__file__).resolve().parents[3]
PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
LABELS = ROOT / "tests" / "data" / "labels"
LEAD_COLUMN = next(r[0] for r in tables.rows("columns.tsv") if r[3:4] == ("lead",))
# Characters common in given names, to make names no page printed (tests only).
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华建国志红玉兰晓东海峰"
# Posts an author holds besides the employing one: memberships and honours.
HONOURS = (
    "全国总工会劳模工匠人才库专家",
    "中国劳动学会兼职副会长",
    "国家社科基金评审专家库成员",
    "省政府参事室特约研究员",
    "市委宣讲团成员",
)


@dataclass
class Block:
    label: dict
    header: list[str] = field(default_factory=list)
    kicker: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    lede: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)
    # Lines of this block printed elsewhere: (role, lines, blocks to skip after it).
    displaced: list[tuple[str, list[str], int]] = field(default_factory=list)
    inserts: dict[int, list[str]] = field(default_factory=dict)  # body position

    head_last: bool = False  # byline and lede printed above the header and title

    def lines(self) -> list[str]:
        body = []
        for i, line in enumerate(self.body):
            body += self.inserts.get(i, [])
            body.append(line)
        body += self.inserts.get(len(self.body), [])
        roles = (self.header, self.kicker, self.title, self.lede, self.byline)
        if self.head_last:
            roles = (self.lede, self.byline, self.header, self.kicker, self.title)
        return [line for role in roles for line in role] + body + self.note


def _scorer_match(scorer, label: dict, pieces: list[dict]) -> dict | None:
    return scorer.match_piece(label, pieces)


def seed_blocks(scorer) -> list[list[Block]]:
    """Each seed page as its labelled blocks, in reading order."""
    pages = []
    for path in PAGES:
        text = path.read_text("utf-8")
        labels = json.loads((LABELS / f"{path.stem}.json").read_text("utf-8"))["pieces"]
        units = segment(text)
        drafts = [d for d in repair(group(units), []) if d.indices]
        pieces = parse_page(text).as_dict()["pieces"]
        blocks = []
        for label in labels:
            piece = _scorer_match(scorer, label, pieces)
            draft = drafts[pieces.index(piece)]
            blocks.append(_block(label, draft, units))
        pages.append(blocks)
    return pages


def _lede_of(unit, draft) -> bool:
    """A 观点 label belongs to the draft whose lede follows it."""
    return (
        bool(draft.lede)
        and draft.lede[0].index > unit.index
        or (bool(draft.lede) and unit.rest != "")
    )


def _block(label: dict, draft, units) -> Block:
    block = Block(copy.deepcopy(label))
    if draft.header is not None:
        block.header = [draft.header.raw]
    headings = [u.raw for u in draft.headings]
    if label.get("kicker") and len(headings) > 1:
        block.kicker, headings = headings[:1], headings[1:]
    block.title = headings
    # A host keeps the indices of text cut out of it: roles come from the draft's
    # own fields, bylines and notes from the names and notes it ended up with.
    mine = [units[i] for i in sorted(draft.indices)]
    lede_ids = {id(u) for u in draft.lede}
    block.lede = [u.raw for u in mine if u.kind == "lede_label" and _lede_of(u, draft)]
    block.lede += [u.raw for u in draft.lede]
    names = set(draft.byline) | {p.name for p in draft.reporters}
    block.byline = [
        u.raw
        for u in mine
        if (u.kind == "byline" and set(u.names) <= names)
        or (u.kind == "reporter" and {p.name for p in u.people} <= names)
    ]
    block.note = [
        u.raw
        for u in mine
        if (u.kind == "note" and u.note in draft.notes)
        or u.kind in ("credit", "graphic_credit")
    ]
    taken = set(block.header + block.kicker + block.title + block.lede)
    taken |= set(block.byline + block.note)
    block.body = [
        u.raw for u in draft.items if id(u) not in lede_ids and u.raw not in taken
    ]
    return block


# ---------------------------------------------------------------- layout moves


def _articles(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.label["kind"] in ("article", "report")]


def reorder(blocks: list[Block], rng: random.Random) -> str:
    rng.shuffle(blocks)
    return "pieces reordered"


def box_between(blocks: list[Block], rng: random.Random) -> str:
    boxes = [b for b in blocks if b.label["kind"] in ("graphic", "digest")]
    if not boxes:
        return ""
    box = rng.choice(boxes)
    blocks.remove(box)
    blocks.insert(rng.randrange(len(blocks) + 1), box)
    return "box moved"


def box_without_credit(blocks: list[Block], rng: random.Random) -> str:
    """An explainer box printed without its credit line: still its own piece."""
    boxes = [b for b in blocks if b.label["kind"] == "graphic" and b.note]
    if not boxes:
        return ""
    box = rng.choice(boxes)
    box.note, box.label["credits"] = [], []
    return "box without credit"


def byline_before_header(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in _articles(blocks) if b.byline and (b.header or b.title)]
    if not found:
        return ""
    rng.choice(found).head_last = True
    return "byline and lede before header and title"


def title_after_body(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in _articles(blocks) if b.title and b.header]
    if not found:
        return ""
    block = rng.choice(found)
    block.displaced.append(("title", block.title, rng.choice((0, 1))))
    block.title = []
    return "title printed after its body"


def lede_after_body(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in _articles(blocks) if b.lede and b.byline]
    if not found:
        return ""
    block = rng.choice(found)
    block.displaced.append(("lede", block.lede, rng.choice((0, 1))))
    block.lede = []
    return "lede printed after its body"


def note_away(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in _articles(blocks) if b.note and b.byline]
    if not found:
        return ""
    block = rng.choice(found)
    block.displaced.append(("note", block.note, 1))
    block.note = []
    return "author note printed after the next piece"


def _is_heading(line: str) -> bool:
    return segment(line)[0].kind == "heading"


def interleave(blocks: list[Block], rng: random.Random) -> str:
    """Another article's lede, byline and first paragraphs inside an article's body."""
    hosts = [b for b in _articles(blocks) if len(b.body) >= 4 and not b.inserts]
    guests = [b for b in _articles(blocks) if b.byline and len(b.body) >= 3]
    pairs = [(h, g) for h in hosts for g in guests if h is not g]
    if not pairs:
        return ""
    host, guest = rng.choice(pairs)
    k = rng.randint(1, 2)
    while k < len(guest.body) - 1 and _is_heading(guest.body[k]):
        k += 1  # the guest's own text resumes with a paragraph, not a subheading
    at = rng.randint(2, len(host.body) - 1)
    host.inserts[at] = guest.lede + guest.byline + guest.body[:k]
    guest.lede, guest.byline, guest.body = [], [], guest.body[k:]
    return "two articles interleaved"


def drop_header(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in _articles(blocks) if b.header and b.title]
    if not found:
        return ""
    block = rng.choice(found)
    block.header = []
    block.label["column"] = LEAD_COLUMN  # the paper files headerless articles here
    return "column header dropped"


def glue_letter(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in blocks if b.header]
    if not found:
        return ""
    block = rng.choice(found)
    letter = rng.choice("ABCDEFGH")
    block.header = [letter + strip_markers(block.header[0])[0]]
    return "layout letter glued to a column header"


def no_kicker(blocks: list[Block], rng: random.Random) -> str:
    found = [b for b in blocks if b.kicker]
    if not found:
        return ""
    block = rng.choice(found)
    block.kicker, block.label["kicker"] = [], None
    return "lead article without kicker"


def _new_name(rng: random.Random, taken: set[str]) -> str:
    single = [w for w in tables.words("surnames.txt") if len(w) == 1]
    while True:
        name = rng.choice(single[:100]) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name


def _cities() -> list[tuple[str, str]]:
    """(province full name, prefecture city) from the divisions table."""
    rows = tables.rows("divisions.tsv")
    provinces = {r[0][:2]: r[1] for r in rows if r[0].endswith("0000")}
    return [
        (provinces[r[0][:2]], r[1])
        for r in rows
        if r[0].endswith("00") and not r[0].endswith("0000") and r[1].endswith("市")
    ]


def swap_people(blocks: list[Block], rng: random.Random) -> str:
    """Authors get other names, and a literal affiliation another city's union."""
    taken: set[str] = set()
    cities = _cities()
    swapped = False
    for block in _articles(blocks):
        authors = block.label.get("authors") or []
        renamed: dict[str, str] = {}  # one new institution per old one on the block
        for author in authors:
            old = author.get("name")
            if old and old in " ".join(block.byline + block.note):
                new = _new_name(rng, taken)
                _replace(block, old, new)
                author["name"] = new
                swapped = True
            aff = author.get("affiliation")
            if author.get("affiliation_alternatives") and aff not in renamed:
                continue  # a role naming several posts: the note abbreviates them
            if aff in renamed or (aff and any(aff in line for line in block.note)):
                if aff not in renamed:
                    province, city = rng.choice(cities)
                    kind = rng.choice(("总工会", "委党校", "职业技术学院"))
                    renamed[aff] = f"{province}{city}{kind}"
                    _replace(block, aff, renamed[aff], roles=("note",))
                new_aff = renamed[aff]
                author["affiliation"], author["affiliation_alternatives"] = new_aff, []
                author["province"] = places.province_of(new_aff)
                swapped = True
    return "names and institutions swapped" if swapped else ""


def honours(blocks: list[Block], rng: random.Random) -> str:
    """A membership or honorary post added after the author's employing post."""
    for block in _articles(blocks):
        authors = block.label.get("authors") or []
        if (
            len(authors) != 1
            or len(block.note) != 1
            or not authors[0].get("affiliation")
        ):
            continue
        match = re.search(
            r"[(（]\s*作者(?:单位)?\s*[为:：]\s*([^)）]+)[)）]", block.note[0]
        )
        if not match or "、" in match.group(1) or "," in match.group(1):
            continue
        aff = authors[0]["affiliation"]
        if not match.group(1).startswith(aff):
            continue
        honour = rng.choice(HONOURS)
        post = match.group(1)
        post = (
            post
            if places.ends_with_title(post)
            else post + rng.choice(("教授", "研究员"))
        )
        new = (
            f"（作者为{post}、{honour}）"
            if rng.random() < 0.5
            else (f"（作者为{honour}、{post}）")
        )
        block.note = [block.note[0][: match.start()] + new]
        return "honorary post beside the employer"
    return ""


def _replace(block: Block, old: str, new: str, roles=("byline", "note")) -> None:
    for role in roles:
        setattr(block, role, [line.replace(old, new) for line in getattr(block, role)])


MOVES = (
    reorder,
    box_between,
    box_without_credit,
    byline_before_header,
    title_after_body,
    lede_after_body,
    note_away,
    interleave,
    drop_header,
    glue_letter,
    no_kicker,
    swap_people,
    honours,
)


def lay_out(blocks: list[Block]) -> str:
    """The page text: blocks in order, displaced lines after the blocks they skip."""
    lines: list[str] = []
    pending: list[tuple[int, list[str]]] = []  # (blocks still to print, lines)
    for block in blocks:
        lines += block.lines()
        for _role, moved, skip in block.displaced:
            pending.append((skip, moved))
        ready = [p for p in pending if p[0] == 0]
        pending = [(n - 1, m) for n, m in pending if n > 0]
        for _, moved in ready:
            lines += moved
    for _, moved in pending:
        lines += moved
    return "\n\n".join(lines) + "\n"


def generate(seed_pages: list[list[Block]], count: int, seed: int = 16):
    """count pages: (text, labels, moves applied), the same for the same seed."""
    rng = random.Random(seed)
    for n in range(count):
        blocks = copy.deepcopy(seed_pages[n % len(seed_pages)])
        moves = rng.sample(MOVES, rng.randint(1, 4))
        applied = [m for m in (move(blocks, rng) for move in moves) if m]
        yield lay_out(blocks), [b.label for b in blocks], applied
