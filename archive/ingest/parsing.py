"""One raw OCR theory page to pieces: articles, digests, graphics, reports, briefs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cache, cached_property
from pathlib import Path

from archive.ingest import places
from archive.ingest.cleaning import clean_ocr, suggest_corrections
from archive.ingest.text import CJK, CJK_CHAR, pos_tags, word_runs_across

DATA = Path(__file__).resolve().parent / "data"

# The paper's columns, longest first so 观点撷英 is not read as 观点.
COLUMNS = ("观点撷英", "前沿观察", "热点思考", "工作研究", "观点")
LEDE_LABEL = "观点"  # alone on a line it labels the lede box, not a column
DEFAULT_COLUMN = "观点"  # articles printed without a column header
DIGEST_COLUMN = "观点撷英"
REPORTER_ROLES = (
    "本报特约记者",
    "本报通讯员",
    "本报记者",
    "本报评论员",
    "特约记者",
    "通讯员",
    "实习生",
    "记者",
)
# Layout debris at a line start: a lone Latin letter before a space, or a symbol.
LEADING_MARKER = re.compile(r"^(?:[A-Za-z](?=\s)|[₩￦■□◆◇●○▲△★☆▼▽※◎])\s*")
LONE_MARKER = re.compile(r"^(?:[A-Za-z]|[^\w]+)$")
BULLET = re.compile(r"^[-–•·]\s")
COMPLETE = re.compile(r"[。！？!?…；;:：.][”’\"』」)）]*$")
NOTE_START = re.compile(r"[(（]\s*作者")
GRAPHIC_ROLE = r"(?:策划|制图|设计|绘图|图|文)(?:[/、](?:策划|制图|设计|绘图|图|文))*"
GRAPHIC_CREDIT = re.compile(rf"({GRAPHIC_ROLE})\s*:\s*(.+?)(?=\s+{GRAPHIC_ROLE}\s*:|$)")
# Page staff (本版编辑 …) belong to the page, not to any piece.
PAGE_STAFF = re.compile(
    r"^(?:本版编辑|责任编辑|责编|美术编辑|美编|版式设计|版式|校对|组版|图片编辑)"
)
# Continuation pointers such as (下转第2版).
JUMP = re.compile(r"^[(（]?[上下][转接]第?[^()（）]{1,4}版[)）]?$")
COMPILE_CREDIT = re.compile(
    rf"[(（]\s*((?:本报记者|记者)?\s*[{CJK}·]{{2,4}}(?:[\s、]+[{CJK}·]{{2,4}})*)"
    r"\s*整理\s*[)）]\s*$"
)
DASHES = "—-－–―"
NOTE_VERB = re.compile(r"为|系|是|:")
# Wording typical of a kicker (引题) above a title: campaign slogans and series names.
KICKER_HINT = re.compile(r"学习贯彻|精神|系列|专题|笔谈|访谈|之[一二三四五六七八九十]$")
# The first words of a news item, which a subheading never starts with.
NEWS_LEAD = re.compile(r"^(?:本报讯|本报[^\s，,。]{0,8}电)")
# Paragraph openings that start a new point of an argument.
NEW_POINT = re.compile(
    r"^(?:第[一二三四五六七八九十]+[，,、]|[一二三四五六七八九十]+[是、]|其[一二三四五六七八九十]"
    r"|首先|其次|再次|最后|此外|另外|总之|同时|因此)"
)
SKIPPED = ("marker", "page_staff")  # lines that belong to no piece's structure
MAX_HEADING = 48
MAX_LEDE = 220


@dataclass
class Person:
    name: str | None
    role: str | None = None
    affiliation: str | None = None
    province: str | None = None


@dataclass
class Flag:
    code: str
    message: str


@dataclass
class Piece:
    kind: str
    column: str | None
    kicker: str | None
    title: str
    lede: str | None
    body: list[str]
    authors: list[Person]
    credits: list[Person]
    quoted: list[Person]
    flags: list[Flag]
    original: str


@dataclass
class ParsedPage:
    pieces: list[Piece]
    flags: list[Flag]

    def as_dict(self) -> dict:
        people = ("authors", "credits", "quoted")
        return {
            "pieces": [
                {
                    "kind": p.kind,
                    "column": p.column,
                    "kicker": p.kicker,
                    "title": p.title,
                    "lede": p.lede,
                    # One string: the reviewer's scorer reads body as text, not a list.
                    "body": "\n\n".join(p.body),
                    **{k: [asdict(x) for x in getattr(p, k)] for k in people},
                    "flags": [asdict(f) for f in p.flags],
                }
                for p in self.pieces
            ],
            "flags": [asdict(f) for f in self.flags],
        }


# ---------------------------------------------------------------- words and names


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    lines = (DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
    words = {w for line in lines if not line.startswith("#") for w in line.split()}
    return (
        frozenset(w for w in words if len(w) == 1),
        frozenset(w for w in words if len(w) == 2),
    )


def is_name(token: str, strict: bool = True) -> bool:
    """A Chinese personal name: a known surname and one or two given-name characters.

    strict also refuses ordinary dictionary words (展望, 方法) that happen to start
    with a surname character."""
    if not re.fullmatch(f"[{CJK}]{{2,4}}", token):
        return False
    single, compound = _surnames()
    compound_name = token[:2] in compound and len(token) in (3, 4)
    if not (compound_name or (token[0] in single and len(token) in (2, 3))):
        return False
    if strict:
        tag = pos_tags().get(token)
        if tag is not None and not tag.startswith("nr"):
            return False
    return True


# ---------------------------------------------------------------- units


def tolerant(text: str) -> str:
    """NFKC, one space for any whitespace run: for matching, never for output."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def strip_markers(text: str) -> tuple[str, bool]:
    """The line without leading layout debris, and whether a ■ bullet was among it."""
    bullet = False
    while True:
        match = LEADING_MARKER.match(text)
        if not match or match.end() == len(text):
            return text, bullet
        bullet = bullet or "■" in match.group()
        text = text[match.end() :]


@dataclass(eq=False)
class Unit:
    index: int  # position of the raw line on the page
    raw: str  # exact substring of the page
    text: str  # without layout markers, as printed
    kind: str = "text"
    column: str | None = None
    rest: str = ""  # header: title printed on the same line
    note: str = ""
    names: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @cached_property
    def key(self) -> str:
        """Tolerant form without spaces: what structure detection looks at."""
        return re.sub(r"\s+", "", tolerant(self.text))

    @cached_property
    def bare(self) -> str:
        """Letters and digits only: for comparing passages."""
        return re.sub(r"[\W_]", "", self.key)

    @property
    def dangling(self) -> bool:
        return self.kind == "text" and not COMPLETE.search(self.key)


def segment(text: str) -> list[Unit]:
    """One unit per non-blank line; each keeps its exact text from the page."""
    units = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group().strip()
        if raw:
            units.append(classify(Unit(len(units), raw, raw)))
    for unit, following in zip(units, _next_kinds(units), strict=True):
        # 观点 over a title rather than over a lede is the column's header.
        if unit.kind == "lede_label" and not unit.rest and following == "heading":
            unit.kind, unit.column = "header", LEDE_LABEL
    return units


def _next_kinds(units: list[Unit]) -> list[str | None]:
    """For each unit, the kind of the next one that is not layout debris."""
    kinds: list[str | None] = [None] * len(units)
    upcoming = None
    for i in range(len(units) - 1, -1, -1):
        kinds[i] = upcoming
        if units[i].kind not in SKIPPED:
            upcoming = units[i].kind
    return kinds


def classify(unit: Unit) -> Unit:
    unit.text, bullet = strip_markers(unit.text)
    key = unit.key
    if not key or LONE_MARKER.match(key) or JUMP.match(key):
        unit.kind = "marker"
    elif PAGE_STAFF.match(key):
        unit.kind = "page_staff"
    elif _header(unit):
        pass
    elif _note(unit) or _credit(unit) or _quote(unit) or _reporter(unit):
        pass
    elif _byline(unit, bullet):
        pass
    elif not BULLET.match(unit.text) and is_heading(key):
        unit.kind = "heading"
    return unit


def derived(unit: Unit, text: str) -> Unit:
    """The part of a line before a glued note or credit, as a unit of its own."""
    return classify(Unit(unit.index, unit.raw, text))


def is_heading(key: str) -> bool:
    if key.endswith("——") and 4 <= len(key) <= MAX_HEADING + 12:
        return True  # a kicker (引题) may hold commas
    if not 2 <= len(key) <= MAX_HEADING or re.search(r"[，,。；;]", key):
        return False
    if key[-1] in ":：、" or key.count(":") + key.count("：") > 1:
        return False
    return len(CJK_CHAR.findall(key)) * 2 >= len(key)


def _header(unit: Unit) -> bool:
    if re.match(r"^[A-Za-z₩￦■]\S", unit.text) and _header_text(unit, unit.text[1:]):
        return True  # G热点思考: the layout letter glued to the header
    return _header_text(unit, unit.text)


def _header_text(unit: Unit, text: str) -> bool:
    tol = tolerant(text)
    for column in COLUMNS:
        if tol.replace(" ", "") == column:
            unit.kind = "lede_label" if column == LEDE_LABEL else "header"
            unit.column = column
            return True
        match = re.match(r"\s*".join(column) + r"\s+(.+)$", text)
        if not match:
            continue
        rest = match.group(1).strip()
        if is_heading(re.sub(r"\s+", "", tolerant(rest))):
            unit.kind, unit.column, unit.rest = "header", column, rest
            return True
        if column == LEDE_LABEL and COMPLETE.search(tolerant(rest)):
            unit.kind, unit.rest = "lede_label", rest  # the label glued to its lede
            return True
    return False


def _note(unit: Unit) -> bool:
    starts = list(NOTE_START.finditer(unit.text))
    if not starts:
        return False
    start = starts[-1].start()
    unit.kind, unit.rest, unit.note = (
        "note",
        unit.text[:start].strip(),
        unit.text[start:],
    )
    return True


def _names_in(text: str) -> list[str]:
    return [t for t in re.split(r"[\s、,，]+", text) if t]


def _credit(unit: Unit) -> bool:
    match = COMPILE_CREDIT.search(unit.text)
    if match:
        names = [n for n in _names_in(match.group(1)) if n not in REPORTER_ROLES]
        people = []
        for name in names:
            role = next((r for r in REPORTER_ROLES if name.startswith(r)), None)
            people.append(Person(name[len(role) :] if role else name, "整理"))
        unit.kind, unit.rest, unit.people = (
            "credit",
            unit.text[: match.start()].strip(),
            people,
        )
        return True
    tol = tolerant(unit.text)
    if GRAPHIC_CREDIT.match(tol):
        unit.kind = "graphic_credit"
        unit.people = [
            Person(name, match.group(1))
            for match in GRAPHIC_CREDIT.finditer(tol)
            for name in _names_in(match.group(2))
        ]
        return True
    return False


def _quote(unit: Unit) -> bool:
    """An expert's attribution under a digest quote: ——单位职务 姓名."""
    tol = tolerant(unit.text)
    if not tol or tol[0] not in DASHES or BULLET.match(tol):
        return False
    body = tol.lstrip(DASHES + " ")
    if not body or len(body) > 60:
        return False
    role, _, last = body.rpartition(" ")
    name = last if role and is_name(last, strict=False) else None
    if name is None:
        role = body
        # A name glued to the job title: ——某某大学教授林某某
        for size in (3, 2, 4):
            head, tail = body[:-size], body[-size:]
            if head and places.ends_with_title(head) and is_name(tail, strict=False):
                role, name = head, tail
                break
    if name is None and not (
        places.split_role(role)[0] or places.ends_with_title(role)
    ):
        return False
    role = role.replace(" ", "")
    affiliation, title = places.split_role(role)
    unit.kind = "quote"
    unit.people = [Person(name, title, affiliation, places.province_of(affiliation))]
    return True


def _reporter(unit: Unit) -> bool:
    tokens = tolerant(unit.text).split(" ")
    people, role = [], None
    for token in tokens:
        prefix = next((r for r in REPORTER_ROLES if token.startswith(r)), None)
        if prefix:
            role, token = prefix, token[len(prefix) :]
            if not token:
                continue
        if role is None or not is_name(token, strict=False):
            return False
        people.append(Person(token, role))
    if not people and role is not None and len(tokens) == 1:
        people = [Person(None, role)]  # ■本报评论员: the paper's own byline, no name
    if not people:
        return False
    unit.kind, unit.people = "reporter", people
    return True


def _byline(unit: Unit, bullet: bool) -> bool:
    text = re.sub(r"^(?:文|作者)\s*[/|:]\s*", "", tolerant(unit.text).lstrip("■ "))
    names = _names_in(text)
    if not 1 <= len(names) <= 6:
        return False
    if not all(is_name(n, strict=False) for n in names):
        return False
    unit.names = names
    # Names that are also words (高峰, 黎明) are bylines only where a byline can stand.
    sure = bullet or any(is_name(n) for n in names)
    unit.kind = "byline" if sure else "maybe_byline"
    return True


# ---------------------------------------------------------------- grouping


@dataclass(eq=False)
class Draft:
    """A piece while it is being assembled: its units by structural role."""

    header: Unit | None = None
    headless: bool = False  # text found where no header or title introduced it
    headings: list[Unit] = field(default_factory=list)
    title_extra: list[str] = field(default_factory=list)
    lede: list[Unit] = field(default_factory=list)
    lede_labelled: bool = False
    expect_lede: bool = False
    byline: list[str] = field(default_factory=list)
    reporters: list[Person] = field(default_factory=list)
    items: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    credits: list[Person] = field(default_factory=list)
    graphic: bool = False
    strays: list[Unit] = field(default_factory=list)
    indices: set[int] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)
    ended: bool = False
    host: Draft | None = None  # for a block cut out of another piece's body

    @property
    def position(self) -> int:
        return min(self.indices, default=-1)

    @property
    def fragment(self) -> bool:
        """Plain text, with no lede or byline of its own."""
        return not (self.lede or self.byline or self.reporters)

    @property
    def titled(self) -> bool:
        """Ends with a heading: its own title, printed after the text."""
        return self.headless and bool(self.items) and self.items[-1].kind == "heading"

    @property
    def opened(self) -> bool:
        return bool(self.items or self.lede or self.byline or self.reporters)

    @property
    def has_title(self) -> bool:
        return bool(self.headings or (self.header and self.header.rest))

    @property
    def digest(self) -> bool:
        column = self.header.column if self.header else None
        return column == DIGEST_COLUMN or any(p.role == "整理" for p in self.credits)

    def flag(self, code: str, message: str) -> None:
        self.flags.append(Flag(code, message))


def _next_unit(units: list[Unit], position: int) -> Unit | None:
    return next((u for u in units[position + 1 :] if u.kind not in SKIPPED), None)


def group(units: list[Unit]) -> list[Draft]:
    """Walk the page in order; headers, titles and end notes delimit the drafts."""
    drafts: list[Draft] = []
    current: Draft | None = None
    waiting_markers: list[int] = []
    for position, unit in enumerate(units):
        if unit.kind == "page_staff":
            continue
        if unit.kind == "marker":
            if current is None:
                waiting_markers.append(unit.index)
            else:
                current.indices.add(unit.index)
            continue
        if unit.kind == "header":
            current = Draft(header=unit)
        elif current is None or current.ended or _foreign_credit(current, unit):
            current = Draft(headless=unit.kind != "heading")
        elif unit.kind == "heading" and _starts_piece(current, units, position):
            current = Draft()
        else:
            _add(current, unit)
            continue
        drafts.append(current)
        current.indices.update(waiting_markers)
        waiting_markers.clear()
        if unit.kind == "header":
            current.indices.add(unit.index)
        else:
            _add(current, unit)
    return drafts


def _foreign_credit(draft: Draft, unit: Unit) -> bool:
    # A graphic's credit under an article with a byline belongs to the next graphic.
    is_article = draft.byline or draft.reporters or draft.lede or draft.notes
    return unit.kind == "graphic_credit" and bool(is_article)


def _starts_piece(draft: Draft, units: list[Unit], position: int) -> bool:
    # A heading opens a new piece when a byline or lede box follows it, or when it is a
    # kicker ending in a dash; otherwise it is a subheading of the current piece.
    if not draft.opened:
        return False
    after = _next_unit(units, position)
    if after is None:
        return False
    if after.kind in ("byline", "maybe_byline", "reporter", "lede_label"):
        return True
    if after.kind == "text" and NEWS_LEAD.match(after.key):
        return True
    return units[position].key.endswith("——") and after.kind == "heading"


def _add(draft: Draft, unit: Unit) -> None:
    draft.indices.add(unit.index)
    if unit.kind == "maybe_byline":
        unit.kind = "heading" if draft.items else "byline"
    if unit.kind == "quote" and draft.has_title and not draft.opened:
        unit.kind = "heading"  # ——记某某: a subtitle under the title, not a quote
    kind = unit.kind
    if kind == "heading":
        if not draft.opened and not draft.headless:
            draft.headings.append(unit)
        elif draft.header and not draft.has_title and _only_fragments(draft):
            # Text between a column header and its title is debris from elsewhere.
            draft.strays, draft.items = draft.items, []
            draft.headings.append(unit)
        else:
            draft.items.append(unit)
    elif kind == "byline" and not draft.items:
        draft.byline += [n for n in unit.names if n not in draft.byline]
    elif kind == "reporter" and not draft.items:
        draft.reporters += unit.people
    elif kind == "lede_label" and not draft.items and not draft.lede:
        draft.expect_lede = draft.lede_labelled = True
        if unit.rest:
            _add(draft, derived(unit, unit.rest))
    elif kind == "text" and draft.expect_lede:
        draft.lede.append(unit)
        draft.expect_lede = unit.dangling
    elif kind == "note":
        if unit.rest:
            _add(draft, derived(unit, unit.rest))
        draft.notes.append(unit.note)
        draft.ended = True
    elif kind == "credit":
        if unit.rest:
            _add(draft, derived(unit, unit.rest))
        draft.credits += unit.people
        draft.ended = True
    elif kind == "graphic_credit":
        draft.credits += unit.people
        draft.graphic = draft.ended = True
    else:
        draft.expect_lede = False
        draft.items.append(unit)


def _only_fragments(draft: Draft) -> bool:
    return 0 < len(draft.items) <= 2 and all(u.kind == "text" for u in draft.items)


# ---------------------------------------------------------------- layout repair
#
# Text that OCR put in the wrong place becomes a headless draft, a "block": a byline
# or lede box inside another article's body with the column that follows it, text
# left over after the last article, debris between a header and its title. Each block
# then goes where the evidence says it belongs: what a piece still lacks (lede,
# byline), the names in its author note, and sentences running on across the gap.


def starts_mid_sentence(unit: Unit) -> bool:
    """力。要持续… : the tail of a sentence that began elsewhere."""
    return bool(
        re.match(f"^[{CJK}]{{1,3}}[。；！？!?;]|^[，,、。；;：:)）”]", unit.key)
    )


def _overlap(unit: Unit, others: list[Unit]) -> float:
    # Share of the unit's 4-grams found in the others: a pull-quote repeats its article.
    bare, pool = unit.bare, "".join(o.bare for o in others)
    grams = [bare[i : i + 4] for i in range(max(len(bare) - 3, 0))]
    return sum(g in pool for g in grams) / len(grams) if grams else 0.0


def _lede_before(items: list[Unit], i: int) -> bool:
    """A lede box printed just before an interleaved byline."""
    candidate = items[i - 1] if i > 0 else None
    if candidate is None or candidate.kind != "text" or candidate.dangling:
        return False
    if len(candidate.key) > MAX_LEDE:
        return False
    follows_break = i >= 2 and items[i - 2].dangling
    following = [u for u in items[i + 1 :] if u.kind == "text"][:3]
    return follows_break or _overlap(candidate, following) >= 0.5


def extract_blocks(draft: Draft) -> list[Draft]:
    """Cut out another piece's text interleaved in this one (a byline mid-body)."""
    blocks = []
    i = 0
    while i < len(draft.items):
        kind = draft.items[i].kind
        if kind not in ("byline", "reporter", "lede_label"):
            i += 1
            continue
        start = i - 1 if kind != "lede_label" and _lede_before(draft.items, i) else i
        block, end = _take_block(draft.items, start, draft)
        blocks.append(block)
        del draft.items[start:end]
        i = start
    return blocks


def _take_block(items: list[Unit], start: int, host: Draft) -> tuple[Draft, int]:
    """The interleaved block from start, and where the host's text resumes."""
    host_tail = items[start - 1] if start > 0 else None
    block = Draft(headless=True, host=host)
    expect_lede = items[start].kind == "text"  # a lede box printed before the byline
    j = start
    while j < len(items):
        unit = items[j]
        if unit.kind == "lede_label":
            if block.items or block.lede:
                break  # another interleaved piece begins
            expect_lede = block.lede_labelled = True
        elif unit.kind in ("byline", "reporter"):
            if block.items:
                break
            block.byline += [n for n in unit.names if n not in block.byline]
            block.reporters += unit.people
        elif expect_lede and unit.kind == "text":
            block.lede.append(unit)
            expect_lede = unit.dangling
        else:
            if block.items and _resumes(host_tail, block.items[-1], unit):
                break
            expect_lede = False
            block.items.append(unit)
        block.indices.add(unit.index)
        j += 1
    return block, j


def _resumes(host_tail: Unit | None, last: Unit, unit: Unit) -> bool:
    """Whether unit goes back to the host rather than continuing the block."""
    if host_tail is not None and host_tail.dangling:
        if word_runs_across(host_tail.key, unit.key) or starts_mid_sentence(unit):
            return True  # the host's interrupted sentence resumes here
    # A block is a column of another article: it ends where its sentence breaks off.
    return (
        unit.kind == "text"
        and last.dangling
        and not word_runs_across(last.key, unit.key)
    )


def _note_names(draft: Draft) -> set[str]:
    return {n for note in draft.notes for c in parse_note(note) for n in c.names}


def _first_text(draft: Draft) -> Unit | None:
    return next((u for u in draft.items if u.kind == "text"), None)


def _chained(block: Draft, target: Draft) -> list[int]:
    """Where in target an unfinished sentence goes on in the block's first line."""
    if not block.items:
        return []
    head = block.items[0].key
    return [
        i
        for i, u in enumerate(target.items)
        if u.dangling and word_runs_across(u.key, head)
    ]


def _opens(block: Draft, target: Draft) -> bool:
    """Whether the block reads as the start of target's body."""
    first = _first_text(target)
    if first is None or not block.items:
        return False
    last = block.items[-1]
    return starts_mid_sentence(first) or (
        last.dangling and word_runs_across(last.key, first.key)
    )


def _score(block: Draft, target: Draft, previous: Draft | None) -> float | None:
    """How well a block fits a piece; None when it cannot belong there."""
    if target.headless or block.titled or (target is block.host and not block.fragment):
        return None
    score = 0.0
    if block.lede:
        if target.lede or target.graphic or target.digest:
            return None
        score += 1
    if block.byline or block.reporters:
        if target.byline or target.reporters or target.graphic or target.digest:
            return None
        named = _note_names(target)
        if named and block.byline:
            if not named & set(block.byline):
                return None
            score += 5  # the author note names the byline
        score += 1
    first = _first_text(target)
    if first is not None:
        last = block.items[-1] if block.items else None
        if last is not None and last.dangling and word_runs_across(last.key, first.key):
            score += 3
        if starts_mid_sentence(first) and not block.fragment:
            score += 2
    elif not target.items:
        score += 1
    if block.notes and not target.notes:
        score += 1  # an author note printed away from its article
    if block.graphic:
        if target.byline or target.notes or target.reporters or target.lede:
            return None  # a graphic's credit never goes to an article
        score += 1 if target.position > block.position else 0
    if block.fragment:
        score += 3 if _chained(block, target) else 0
        score += 0.5 if target is previous else 0
    return score


def _insert(block: Draft, target: Draft) -> None:
    target.indices |= block.indices
    if block.lede:
        target.lede, target.lede_labelled = block.lede, block.lede_labelled
    target.byline += block.byline
    target.reporters += block.reporters
    target.notes += block.notes
    target.credits += block.credits
    target.graphic = target.graphic or block.graphic
    at = 0
    if block.fragment:
        chained = _chained(block, target)
        opens = _opens(block, target)
        at = chained[0] + 1 if chained else (0 if opens else len(target.items))
    target.items[at:at] = block.items
    parts = (
        ("提要", block.lede),
        ("署名", block.byline or block.reporters),
        ("正文", block.items),
        ("作者注", block.notes),
        ("制作署名", block.credits),
    )
    what = "、".join(name for name, present in parts if present)
    shown = block.items or block.lede
    sample = f"，开头“{shown[0].text[:12]}”" if shown else ""
    target.flag(
        "moved_text",
        f"版面上错位的文字（{what}{sample}）已按上下文移入本文，请核对位置。",
    )
    if block.host is not None and block.host is not target:
        block.host.flag(
            "moved_text", f"本文中间夹入的另一篇文字（{what}{sample}）已移出，请核对。"
        )


def assign_blocks(drafts: list[Draft], blocks: list[Draft]) -> list[Draft]:
    """Give each block to the piece it fits best; returns the blocks that fit none."""
    pending = sorted(blocks, key=lambda b: b.position)
    while pending:
        best = None
        for block in pending:
            before = [
                d for d in drafts if d is not block.host and d.position < block.position
            ]
            previous = max(before, key=lambda d: d.position, default=None)
            for target in drafts:
                score = _score(block, target, previous)
                if score is not None and (best is None or score > best[0]):
                    best = (score, block, target)
        if best is None:
            break
        _, block, target = best
        _insert(block, target)
        pending.remove(block)
    return pending


def repair(drafts: list[Draft], page_flags: list[Flag]) -> list[Draft]:
    """Move misplaced text to its piece; returns the pieces in page order."""
    blocks: list[Draft] = []
    for draft in drafts:
        blocks += extract_blocks(draft)
        if draft.strays:
            indices = {u.index for u in draft.strays}
            blocks.append(
                Draft(headless=True, host=draft, items=draft.strays, indices=indices)
            )
            draft.strays = []
    titled = [d for d in drafts if not d.headless]
    blocks += [d for d in drafts if d.headless]
    for block in assign_blocks(titled, blocks):
        if block.host is not None and not block.host.headless:
            _put_back(block)  # nowhere better: leave it where it was printed
        else:
            block.flag(
                "orphan_text",
                "这段文字找不到所属文章，已单独成篇，请核对或合并到相应文章。",
            )
            titled.append(block)
    titled = _fill_missing_titles(titled, page_flags)
    return sorted(titled, key=lambda d: d.position)


def _put_back(block: Draft) -> None:
    host = block.host
    host.indices |= block.indices
    back = block.lede + block.items if host.lede else block.items
    host.lede = host.lede or block.lede
    host.byline += [n for n in block.byline if n not in host.byline]
    host.reporters += block.reporters
    later = (i for i, u in enumerate(host.items) if u.index > block.position)
    at = next(later, len(host.items))
    host.items[at:at] = back
    host.flag(
        "layout_unclear", "正文中间出现署名或提要，无法判断归属，已保留原位，请核对。"
    )


def _fill_missing_titles(drafts: list[Draft], page_flags: list[Flag]) -> list[Draft]:
    """A title printed away from its text (at the page foot) goes to a piece without."""
    title_only = [d for d in drafts if d.has_title and not d.opened and not d.notes]
    untitled = [d for d in drafts if not d.has_title]
    for lone in title_only:
        if untitled:
            target = untitled.pop(0)
            target.headings, target.headless = lone.headings, False
            target.indices |= lone.indices
            target.flag("moved_text", "标题印在版面别处，已按位置配给本文，请核对。")
            lone.indices = set()
    for draft in drafts:
        if not draft.indices and draft.headings:
            title = draft.headings[0].text
            page_flags.append(Flag("unattached_text", f"无法归属的标题：“{title}”。"))
    return [d for d in drafts if d.indices]


# ---------------------------------------------------------------- piece fields


def settle_title(draft: Draft) -> tuple[str | None, list[str]]:
    """Kicker and title lines from the headings above the text."""
    headings = list(draft.headings)
    kicker = None
    parts = [draft.header.rest] if draft.header and draft.header.rest else []
    if not parts and len(headings) >= 2:
        first, second = headings[0], headings[1]
        if first.key.endswith("—"):
            kicker, headings = first.text, headings[1:]
        elif len(first.key) <= 0.7 * len(second.key) or (
            KICKER_HINT.search(first.key) and not KICKER_HINT.search(second.key)
        ):
            kicker, headings = first.text, headings[1:]
            draft.flag("kicker_guess", f"“{first.text}”判为引题（肩题），请核对。")
        else:
            draft.flag(
                "title_guess", "两行标题已合并为一个标题，请核对是否其一为引题。"
            )
    elif parts and headings:
        draft.flag("title_split", "栏目行上的标题与下一行已合并为一个标题，请核对。")
    parts += [h.text for h in headings] + draft.title_extra
    return kicker, parts


def adopt_title(draft: Draft) -> None:
    """A piece without a title above its text takes a heading printed further on."""
    if draft.has_title or draft.title_extra or draft.graphic:
        return
    headings = [u for u in draft.items if u.kind == "heading"]
    if not headings:
        return
    trailing = draft.items[-1].kind == "heading"
    chosen = draft.items[-1] if trailing else headings[0]
    draft.items.remove(chosen)
    draft.title_extra.append(chosen.text)
    where = "印在正文之后" if trailing else "印在正文中间"
    draft.flag(
        "title_guess", f"本文标题上方缺标题，取{where}的“{chosen.text}”为标题，请核对。"
    )


def repair_title_fragments(draft: Draft) -> None:
    """A heading that breaks a sentence is a displaced title line, not a subheading."""
    if draft.graphic or draft.digest:
        return
    kept: list[Unit] = []
    for i, unit in enumerate(draft.items):
        previous = kept[-1] if kept else None
        following = draft.items[i + 1] if i + 1 < len(draft.items) else None
        if (
            unit.kind == "heading"
            and following is not None
            and following.kind == "text"
            and word_runs_across(unit.key, following.key)
        ):
            unit.kind = "text"  # 加强维 / 权工作: a cut paragraph, not a subheading
        if unit.kind == "heading" and previous is not None and previous.dangling:
            if word_runs_across(previous.key, unit.key):
                unit.kind = "text"
            else:
                draft.title_extra.append(unit.text)
                draft.flag(
                    "title_split",
                    f"“{unit.text}”打断了正文句子，判为本文标题的后半部分，已并入标题，请核对。",
                )
                continue
        kept.append(unit)
    draft.items = kept


def _lede_candidate(draft: Draft) -> Unit | None:
    """A short complete first paragraph of an article without a lede yet."""
    if draft.lede or draft.graphic or draft.digest or draft.reporters:
        return None
    texts = [u for u in draft.items if u.kind == "text"]
    if len(texts) < 2 or draft.items[0] is not texts[0]:
        return None
    first = texts[0]
    return None if first.dangling or len(first.key) > MAX_LEDE else first


def _repeats(unit: Unit, other: Unit) -> bool:
    return (
        bool(unit.bare)
        and unit.bare in other.bare
        and (len(other.bare) > len(unit.bare) or other.index < unit.index)
    )


def _quotes_sentences(unit: Unit, other: Unit) -> bool:
    """unit repeats whole sentences of other (a pull-quote), not a cut-off fragment."""
    mine, theirs = _sentences(unit), _sentences(other)
    at = theirs.find(mine)
    return len(mine) < len(theirs) and (at == 0 or (at > 0 and theirs[at - 1] == "|"))


def _sentences(unit: Unit) -> str:
    return re.sub(r"[^\w|]|_", "", re.sub(r"[。！？!?；;]", "|", unit.key)).strip("|")


def settle_lede(draft: Draft) -> None:
    """An unlabelled lede: a short first paragraph that the article then repeats."""
    first = _lede_candidate(draft)
    if first is None:
        return
    following = [u for u in draft.items[1:] if u.kind == "text"]
    if any(_quotes_sentences(first, o) for o in following) or (
        _overlap(first, following[:3]) >= 0.5
        and not any(_repeats(first, o) for o in following)
    ):
        draft.lede = [first]
        draft.items.remove(first)
        draft.flag("lede_guess", "提要按版面推断（未见“观点”标签），请核对。")


def drop_duplicates(draft: Draft) -> None:
    """A passage printed twice: keep the fuller copy (a pull-quote is no repeat)."""
    candidate = _lede_candidate(draft)
    kept = []
    for unit in draft.items:
        others = [o for o in draft.items if o is not unit and o.kind == "text"]
        repeated = unit.kind == "text" and len(unit.bare) >= 12
        repeated = repeated and any(_repeats(unit, o) for o in others)
        if repeated and unit is candidate:
            repeated = not any(_quotes_sentences(unit, o) for o in others)
        if repeated:
            draft.flag(
                "duplicate_passage",
                f"重复印出的一段文字（开头“{unit.text[:12]}”）已删除，"
                "原文保留在 OCR 原文中。",
            )
            continue
        kept.append(unit)
    draft.items = kept


def drop_leading_headings(draft: Draft, title_parts: list[str]) -> None:
    """Body text starts after any subheading printed right under the lede."""
    if draft.graphic or draft.digest:
        return
    while draft.items and draft.items[0].kind == "heading":
        unit = draft.items.pop(0)
        if draft.header and draft.header.rest and not draft.headings:
            title_parts.append(unit.text)
            draft.flag(
                "title_split", f"“{unit.text}”判为标题的第二行，已并入标题，请核对。"
            )
        else:
            draft.flag(
                "leading_heading",
                f"正文开头的小标题“{unit.text}”未计入正文（见 OCR 原文），请核对。",
            )


def piece_kind(draft: Draft) -> str:
    if draft.graphic:
        return "graphic"
    if draft.digest:
        return "digest"
    if any("记者" in (p.role or "") for p in draft.reporters):
        return "report"
    if draft.header or draft.byline or draft.notes or draft.reporters:
        return "article"
    return "brief"


def piece_column(draft: Draft, kind: str) -> str | None:
    column = draft.header.column if draft.header else None
    if kind == "article":
        return column or DEFAULT_COLUMN
    if kind == "digest":
        return DIGEST_COLUMN
    return column


# ---------------------------------------------------------------- people


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


def _same_person(a: str, b: str) -> bool:
    # OCR may misread one character of a name between byline and note.
    same = sum(x == y for x, y in zip(a, b, strict=False))
    return len(a) == len(b) and same * 2 > len(a)


def _find_author(authors: list[Person], name: str, draft: Draft) -> Person:
    """The byline author a note names; a new author when the byline lacks the name."""
    person = next((p for p in authors if p.name == name), None)
    if person is None:
        person = next(
            (p for p in authors if p.name and _same_person(p.name, name)), None
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
    if len(institutions) > 1:
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


# ---------------------------------------------------------------- strings


def _clean(text: str) -> str:
    return clean_ocr(text).strip()


def clean_title(parts: list[str]) -> str:
    """Title lines cleaned, keeping the spaces printed between title phrases."""
    chunks: list[str] = []
    for part in parts:
        for chunk in part.split():
            # Spaces around a short chunk are where a narrow title wrapped.
            if chunks and (_cjk_len(chunk) < 4 or _cjk_len(chunks[-1]) < 4):
                chunks[-1] += chunk
            else:
                chunks.append(chunk)
    return " ".join(_clean(c) for c in chunks)


def _cjk_len(text: str) -> int:
    return len(CJK_CHAR.findall(text))


def correct_title(title: str, draft: Draft) -> str:
    """The cleaner's known-confusion suggestions, applied to a short title."""
    corrected = title
    for s in sorted(suggest_corrections(title), key=lambda s: -s.start):
        if s.kind == "confusion":
            corrected = corrected[: s.start] + s.replacement + corrected[s.end :]
    if corrected != title:
        draft.flag(
            "title_corrected",
            f"标题按常见识别错误由“{title}”改为“{corrected}”，请核对。",
        )
    return corrected


def clean_body(items: list[Unit], whole: bool = True) -> list[str]:
    """Cleaned paragraphs; with whole, paragraphs cut by a column turn are rejoined."""
    paragraphs: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            paragraphs.extend(p.strip() for p in _clean("\n\n".join(run)).split("\n\n"))
            run.clear()

    previous = None
    for unit in items:
        if unit.kind == "heading":
            flush()
            paragraphs.append(_clean(unit.text))
            previous = None
            continue
        if whole and previous is not None and _continues(previous, unit):
            run[-1] = run[-1].rstrip() + unit.text.lstrip()
        else:
            run.append(unit.text)
        previous = unit
    flush()
    return [p for p in paragraphs if p]


def _continues(previous: Unit, unit: Unit) -> bool:
    # A paragraph without final punctuation goes on in the next one, unless that one
    # opens a new point (第二，/ 三是 / 此外): then words were lost, not cut.
    return (
        previous.dangling
        and unit.kind == "text"
        and not NEW_POINT.match(unit.key)
        and bool(re.match(f"[{CJK}\\d“《（(]", unit.key))
    )


# ---------------------------------------------------------------- page


def build_piece(draft: Draft, units: list[Unit]) -> Piece:
    repair_title_fragments(draft)
    adopt_title(draft)
    kicker, title_parts = settle_title(draft)
    drop_duplicates(draft)
    settle_lede(draft)
    drop_leading_headings(draft, title_parts)
    kind = piece_kind(draft)
    if kind == "brief":
        draft.flag("kind_guess", "没有栏目、署名和作者注，按简讯处理，请核对。")
    authors = authors_of(draft, kind)
    quoted = [
        Person(**asdict(p)) for u in draft.items if u.kind == "quote" for p in u.people
    ]
    for person in quoted:
        if person.name is None:
            draft.flag(
                "quoted_name_missing",
                f"引语出处“{person.role}”缺少姓名（版面残缺），请核对。",
            )
    title = clean_title(title_parts)
    if title:
        title = correct_title(title, draft)
    else:
        draft.flag("title_missing", "没有找到标题，请补上。")
    lede = _clean("".join(u.text for u in draft.lede)) if draft.lede else None
    return Piece(
        kind=kind,
        column=piece_column(draft, kind),
        kicker=_clean(kicker) if kicker else None,
        title=title,
        lede=lede or None,
        body=clean_body(draft.items, whole=not draft.graphic),
        authors=authors,
        credits=draft.credits,
        quoted=quoted,
        flags=_unique(draft.flags),
        original="\n\n".join(units[i].raw for i in sorted(draft.indices)),
    )


def _unique(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for flag in flags:
        if (flag.code, flag.message) not in seen:
            seen.add((flag.code, flag.message))
            out.append(flag)
    return out


def parse_page(text: str) -> ParsedPage:
    """Segment, classify lines, group into pieces, repair layout, people, clean."""
    units = segment(text)
    page_flags: list[Flag] = []
    drafts = repair(group(units), page_flags)
    pieces = [build_piece(d, units) for d in drafts if d.indices]
    used = {i for d in drafts for i in d.indices}
    for unit in (u for u in units if u.kind == "page_staff"):
        page_flags.append(
            Flag("page_staff", f"版面工作人员署名“{unit.text}”，未计入文章。")
        )
    lost = [u for u in units if u.index not in used and u.kind not in SKIPPED]
    if lost:
        sample = "；".join(u.text[:20] for u in lost[:3])
        page_flags.append(
            Flag("unattached_text", f"有 {len(lost)} 段文字未能归入任何文章：{sample}")
        )
    return ParsedPage(pieces=pieces, flags=page_flags)
