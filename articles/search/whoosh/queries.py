"""The query classes Whoosh's parser builds for Chinese text; `scoring` evaluates them."""

from __future__ import annotations

from whoosh import query

from articles.search import text


def word_query(fieldname: str, chunk: str, *, boost: float = 1.0) -> query.Query:
    """One space-free chunk of a query (劳动关系治理): all its words must occur in the field.

    A chunk of one ideograph (王, 党) matches every word containing it, since a surname
    or a one-character word is rarely a token of its own.
    """
    chars = [c for c in chunk if text.is_wordish(c)]
    if len(chars) == 1 and text.CJK_CHAR.match(chars[0]):
        return ContainsCharacter(fieldname, chars[0], boost=boost)
    parts = [WordTerm(fieldname, w) for w in text.words(chunk)]
    if not parts:
        return query.NullQuery
    q = parts[0] if len(parts) == 1 else query.And(parts)
    return q.with_boost(boost) if boost != 1.0 else q


class OffsetPhrase(query.Phrase):
    """A phrase whose terms must sit at given character offsets from one another.

    Positions in the index are character offsets, so 劳动@p, 关系@p+2, 治理@p+4 is the
    phrase 劳动关系治理 wherever it occurs, however the text around it was segmented.
    """

    def __init__(
        self, fieldname, words, slop=1, boost=1.0, char_ranges=None, offsets=None
    ):
        super().__init__(
            fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges
        )
        if offsets is None:
            if char_ranges:
                base = char_ranges[0][0]
                offsets = [start - base for start, _ in char_ranges]
            else:
                offsets, running = [], 0
                for word in words:
                    offsets.append(running)
                    running += len(word)
        self.offsets = list(offsets)

    def __eq__(self, other):
        return super().__eq__(other) and self.offsets == other.offsets

    def __hash__(self):
        return super().__hash__() ^ hash(tuple(self.offsets))

    def normalize(self):
        if not self.words:
            return query.NullQuery
        if len(self.words) == 1:
            return query.Term(self.fieldname, self.words[0], boost=self.boost)
        return self.__class__(
            self.fieldname,
            list(self.words),
            boost=self.boost,
            char_ranges=self.char_ranges,
            offsets=self.offsets,
        )

    @property
    def phrase(self) -> str:
        """The phrase as typed (normalised): its words laid at their offsets."""
        chars: dict[int, str] = {}
        for word, offset in zip(self.words, self.offsets, strict=True):
            for i, char in enumerate(word):
                chars[offset + i] = char
        return "".join(chars[i] for i in sorted(chars))


class ContainsCharacter(query.Query):
    """Every indexed word containing one ideograph (王 → 王君伟, 国王, 王国)."""

    def __init__(self, fieldname, text, boost=1.0):
        self.fieldname = fieldname
        self.text = text
        self.boost = boost

    def __eq__(self, other):
        return (
            other is not None
            and self.__class__ is other.__class__
            and self.fieldname == other.fieldname
            and self.text == other.text
            and self.boost == other.boost
        )

    def __hash__(self):
        return hash((self.__class__.__name__, self.fieldname, self.text, self.boost))

    def __repr__(self):
        return f"{self.__class__.__name__}({self.fieldname!r}, {self.text!r})"

    def __str__(self):
        return f"{self.fieldname}:{self.text}"


class WordTerm(ContainsCharacter):
    """A word, and the out-of-dictionary words that contain it (人会 → 人会率, 君伟 → 王君伟).

    Dictionary words inside longer words are indexed anyway; words jieba's HMM made up
    (names, OCR misreadings run together) are not split, so they are looked up too.
    """


def on_field(q, fieldname: str, boost: float):
    """The same word or phrase query on another field, with that field's boost."""
    if isinstance(q, OffsetPhrase):
        return OffsetPhrase(fieldname, list(q.words), boost=boost, offsets=q.offsets)
    if isinstance(q, ContainsCharacter):  # WordTerm too
        return q.__class__(fieldname, q.text, boost=boost)
    return query.Term(fieldname, q.text, boost=boost)


def with_field_boosts(q, content: str, boosts: dict[str, float]):
    """Each searched word must be in the document field; in the title, names or garbled
    forms it adds that field's boost (AndMaybe), so matching intersects one posting list
    per word and the boosting fields are read only for matches."""
    if isinstance(q, query.Not) or not boosts:
        return q
    if (
        isinstance(q, (ContainsCharacter, OffsetPhrase, query.Term))
        and q.field() == content
    ):
        boosted = [on_field(q, name, boost) for name, boost in boosts.items()]
        return query.AndMaybe(q, query.Or(boosted))
    return q.apply(lambda child: with_field_boosts(child, content, boosts))


def marked_terms(q) -> tuple[list[str], list[str]]:
    """The words and phrases a parsed query looks for (not those it excludes)."""
    words: list[str] = []
    phrases: list[str] = []

    def walk(node):
        if isinstance(node, query.Not):
            return
        if isinstance(node, OffsetPhrase):
            phrases.append(node.phrase)
        elif isinstance(node, ContainsCharacter):
            words.append(node.text)
        elif not node.is_leaf():
            for child in node.children():
                walk(child)

    walk(q)
    return words, phrases
