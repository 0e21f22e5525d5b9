"""Where an institution is: China's administrative divisions, national bodies."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archive.ingest import tables

DATA = Path(__file__).resolve().parent / "data"

# Abbreviations such as 省总工会 / 市总工会 refer back to the place named earlier.
LEVEL_WORDS = ("自治区", "自治州", "省", "市", "县", "区", "州", "盟", "旗")
# Institution endings, for roles whose job title is not in titles.txt.
INSTITUTION_END = re.compile(
    r"^(.*(?:工会|委员会|常委会|学会|协会|研究会|联合会|基金会|大学|学院|学校|党校|研究院|"
    r"研究所|研究中心|中心|科学院|医院|法院|检察院|政府|办公室|集团|公司|银行|报社|出版社|"
    r"部|厅|局|委|院|所|办|处|室|馆|站|社|校|会))(.*)$"
)
ALIAS_PREFIX_END = re.compile(r"(院|校|学|会|部|所|委|局|厅|中心)$")
# Posts of rank below this employ (data/post_kinds.tsv); from it up, memberships.
EMPLOYER_RANKS = 6
COUNTY_MIN_LENGTH = 3  # two-character county names (城区, 新县, 东区) are common words


@dataclass(frozen=True)
class Division:
    code: str  # six-digit administrative division code
    name: str
    short: str

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        return "prefecture" if self.code.endswith("00") else "county"

    @property
    def province_code(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Location:
    province: str | None  # short name
    status: str  # "sure" | "guess" | "ambiguous" | "unknown"
    candidates: tuple[str, ...] = ()


def _rows(filename: str) -> list[list[str]]:
    text = (DATA / filename).read_text(encoding="utf-8")
    return [
        line.split("\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@cache
def divisions() -> tuple[Division, ...]:
    return tuple(Division(*row[:3]) for row in _rows("divisions.tsv"))


def _province_table() -> list[tuple[str, str, str]]:
    return [(d.code, d.name, d.short) for d in divisions() if d.level == "province"]


# The 34 provincial-level divisions: (code, full name, short name).
PROVINCES: list[tuple[str, str, str]] = _province_table()
SHORT_BY_CODE = {code[:2]: short for code, _, short in PROVINCES}


@cache
def _names() -> dict[str, tuple[Division, ...]]:
    table: dict[str, list[Division]] = {}
    for d in divisions():
        if d.level == "county" and len(d.name) < COUNTY_MIN_LENGTH:
            continue
        table.setdefault(d.name, []).append(d)
        if d.short:
            table.setdefault(d.short, []).append(d)
    return {name: tuple(found) for name, found in table.items()}


@cache
def _max_name_length() -> int:
    return max(len(name) for name in _names())


def find_places(text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
    """Division names in text, longest first at each position: (start, end, found)."""
    names, longest = _names(), _max_name_length()
    found, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            hit = names.get(text[i : i + size])
            if hit:
                found.append((i, i + size, hit))
                i += size
                break
        else:
            i += 1
    return found


@cache
def _institutions() -> tuple[tuple[str, str, str], ...]:
    rows = [(row[0], row[1], row[2]) for row in _rows("national_institutions.tsv")]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@cache
def _aliases() -> tuple[tuple[str, str], ...]:
    rows = [(row[0], row[1]) for row in _rows("aliases.tsv")]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def canonical_affiliation(name: str) -> str:
    """The canonical institution name (aliases.tsv: the whole name or its start)."""
    name = re.sub(r"\s+", "", name or "")
    for alias, canonical in _aliases():
        if name == alias:
            return canonical
        # As a prefix only where the alias ends an institution: 北大荒 is not 北大.
        if name.startswith(alias) and ALIAS_PREFIX_END.search(alias):
            if not name.startswith(canonical):
                return canonical + name[len(alias) :]
    return name


def _provinces_of(found: tuple[Division, ...]) -> set[str]:
    # A province-level name wins over a prefecture that shares its short name (海南).
    provinces = {d.province_code for d in found if d.level == "province"}
    return provinces or {d.province_code for d in found}


def locate(affiliation: str | None) -> Location:
    """The province of an institution, and how sure that is."""
    name = canonical_affiliation(affiliation or "")
    if not name:
        return Location(None, "unknown")
    for prefix, province, certainty in _institutions():
        if (
            certainty == "sure"
            and name.startswith(prefix)
            and not _named_province(name)
        ):
            return Location(province, "sure")
    matches = find_places(name)
    if matches:
        sets = [_provinces_of(found) for _, _, found in matches]
        first = sets[0]
        if len(first) == 1 and any(d.level == "province" for d in matches[0][2]):
            codes = first
        else:
            codes = set.intersection(*sets) or first
        shorts = tuple(sorted(SHORT_BY_CODE[c] for c in codes if c in SHORT_BY_CODE))
        if len(shorts) == 1:
            return Location(shorts[0], "sure")
        return Location(None, "ambiguous", shorts)
    for prefix, province, certainty in _institutions():
        if name.startswith(prefix):
            return Location(province, "sure" if certainty != "guess" else "guess")
    return Location(None, "unknown")


def _named_province(name: str) -> bool:
    # "国家电网山东省电力公司" is in 山东, whatever the national prefix says.
    return any(
        any(d.level == "province" for d in found) for _, _, found in find_places(name)
    )


def province_of(affiliation: str | None) -> str | None:
    """Short name of the province where the institution is, or None when unknown."""
    return locate(affiliation).province


@cache
def _titles() -> tuple[tuple[str, ...], tuple[str, ...]]:
    titles: list[str] = []
    modifiers: list[str] = []
    section = titles
    for line in (DATA / "titles.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line == "[modifiers]":
            section = modifiers
            continue
        section.append(line)
    by_length = sorted(titles, key=len, reverse=True)
    return tuple(by_length), tuple(sorted(modifiers, key=len, reverse=True))


def ends_with_title(text: str) -> bool:
    """Whether text ends with a job title (教授, 副主席…)."""
    return any(text.endswith(title) for title in _titles()[0])


def split_post(post: str) -> tuple[str | None, str | None]:
    """One post such as 某某大学副教授 to (institution, job title)."""
    titles, modifiers = _titles()
    for title in titles:
        if post.endswith(title):
            base = post[: -len(title)]
            stripped = True
            while stripped:
                stripped = False
                for modifier in modifiers:
                    if base.endswith(modifier):
                        base = base[: -len(modifier)]
                        stripped = True
                        break
            return (base or None), post[len(base) :]
    match = INSTITUTION_END.match(post)
    if match and len(match.group(2)) <= 6:
        return match.group(1), match.group(2) or None
    return None, post


def _expand(institution: str, earlier: list[str]) -> str:
    """省总工会 after 湖北省政协 is 湖北省总工会: the level word points back."""
    level = next((w for w in LEVEL_WORDS if institution.startswith(w)), None)
    if level is None or not earlier:
        return institution
    own = find_places(institution)
    if own and own[0][0] == 0:
        return institution  # starts with a real place name, not an abbreviation
    for previous in reversed(earlier):
        matches = find_places(previous)
        if not matches:
            continue
        start = matches[0][0]
        for _, end, _found in matches:
            if previous[:end].endswith(level):
                return previous[start : end - len(level)] + institution
    return institution


def role_institutions(role: str | None) -> tuple[list[str], list[str]]:
    """The institutions a role names (abbreviations expanded) and its job titles."""
    institutions: list[str] = []
    titles: list[str] = []
    for post in re.split(r"[、,，;；]", re.sub(r"\s+", "", role or "")):
        if not post:
            continue
        institution, title = split_post(post)
        if institution:
            institution = _expand(institution, institutions)
            if institution not in institutions:
                institutions.append(institution)
        if title:
            titles.append(title)
    return institutions, titles


@cache
def _post_kinds() -> tuple[tuple[str, int, str, str], ...]:
    """(kind, rank, where, word), longest words first: see data/post_kinds.tsv."""
    kinds = [
        (kind, int(rank), where, word)
        for kind, rank, where, words in tables.rows("post_kinds.tsv")
        for word in words.split()
    ]
    return tuple(sorted(kinds, key=lambda k: -len(k[3])))


def post_kind(institution: str, title: str | None = None) -> tuple[str, int]:
    """The kind of one post (union, school, pool, honorary…) and its rank as employer."""
    kinds = _post_kinds()
    for kind, rank, where, word in kinds:
        # 客座教授 may split as institution 某某大学客座 + title 教授.
        if where == "title" and (word in (title or "") or institution.endswith(word)):
            return kind, rank
    for kind, rank, where, word in kinds:
        if where == "end" and institution.endswith(word):
            return kind, rank
    return "other", 5


def role_posts(role: str | None) -> list[tuple[str, str | None]]:
    """(institution, job title) for each post of a role naming an institution."""
    posts: list[tuple[str, str | None]] = []
    earlier: list[str] = []
    for post in re.split(r"[、,，;；]", re.sub(r"\s+", "", role or "")):
        institution, title = split_post(post) if post else (None, None)
        if institution:
            institution = _expand(institution, earlier)
            earlier.append(institution)
            posts.append((institution, title))
    return posts


def employer(role: str | None) -> tuple[str | None, bool]:
    """The employing institution a role names, and whether the choice is sure.

    Sure when one post outranks every other (a university over an expert pool); not
    sure when two posts of the employing kinds tie or both employ (a legislature
    and a union)."""
    posts = role_posts(role)
    if not posts:
        return None, True
    ranked = sorted(
        ((post_kind(i, t)[1], n, i) for n, (i, t) in enumerate(posts)),
    )
    best = ranked[0]
    others = [r for r in ranked[1:] if r[2] != best[2]]
    sure = not others or (others[0][0] > best[0] and others[0][0] >= EMPLOYER_RANKS)
    return best[2], sure


def split_role(role: str | None) -> tuple[str | None, str | None]:
    """Role text to (canonical affiliation, job title words).

    With one institution the title words are returned alone (党组书记、常务副主席);
    with several (省政协副主席、省总工会主席) the whole role is kept.
    """
    role = re.sub(r"\s+", "", role or "")
    if not role:
        return None, None
    institutions, titles = role_institutions(role)
    if not institutions:
        return None, role
    chosen = employer(role)[0] or institutions[0]
    title_words = "、".join(titles) if len(institutions) == 1 else role
    return canonical_affiliation(chosen), title_words or None


def affiliation_from_role(role: str | None) -> str | None:
    """The institution a role names: 某某大学法学院院长 → 某某大学法学院."""
    return split_role(role)[0]
