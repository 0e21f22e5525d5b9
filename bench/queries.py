"""The benchmark's queries: URL query strings, selective ones from the synthetic topics and
broad ones."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

COMMON_WORDS = ["工会", "职工", "发展", "劳动", "服务", "建设"]
# The searches a union paper's readers type most: words in nearly every article, alone,
# together, under a filter; one character; a phrase; a rarer word.
BROAD = [
    "q=工会",
    "q=工会 职工",
    "q=发展 建设 服务",
    "q=工会&column=观点",
    "q=工会 职工&province=广东",
    "q=发展 建设 服务&year=2020",
    "q=王",
    'q="工会服务"',
    "q=劳动关系",
    "q=枫桥经验",
]


def selective_queries(topics: list[list[str]]) -> list[str]:
    """20 queries of 2–4 words, half with a facet filter, from about 0.1 % to 10 % of articles.

    Topic words co-occur only in their topic's articles (see synthetic.py): topic t is in
    about 0.5/(t+3) of articles and an article of the topic has 8 of its 30 words, so a
    query's match fraction follows from the topics and number of topic words it asks for.
    """
    rng = random.Random(7)

    def pick(topic, k):
        return rng.sample(topics[topic], k)

    def common(k):
        return rng.sample(COMMON_WORDS, k)

    shapes = [
        (pick(0, 2), {}),
        (pick(3, 2), {}),
        (pick(8, 2), {}),
        (pick(1, 1) + common(1), {}),
        (pick(5, 1) + common(1), {}),
        (pick(12, 1) + common(1), {}),
        (pick(2, 2) + common(1), {}),
        (pick(6, 2) + common(2), {}),
        (pick(0, 3), {}),
        (pick(0, 1) + common(2), {}),
        (pick(0, 1) + common(1), {"column": "观点"}),
        (pick(1, 1) + common(1), {"year": "2019"}),
        (pick(0, 1) + common(1), {"province": "广东"}),
        (pick(0, 2), {"column": "工作研究"}),
        (pick(2, 1) + common(1), {"column": "热点思考"}),
        (common(2), {"year": "2022"}),
        (pick(3, 1) + common(2), {"column": "前沿观察"}),
        (pick(4, 1) + common(1), {"year": "2016"}),
        (common(2), {"province": "山东"}),
        (pick(1, 2) + common(2), {"column": "观点"}),
    ]
    return [urlencode({"q": " ".join(w), **f}) for w, f in shapes]


def read_queries(path: str) -> list[str]:
    """One URL query string a line; blank lines and `#` comments skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def label(qs: str) -> str:
    pairs = parse_qsl(qs, keep_blank_values=True)
    q = " ".join(v for k, v in pairs if k == "q")
    extra = " ".join(f"{k}={v}" for k, v in pairs if k != "q")
    return (q or "（全部）") + (f" [{extra}]" if extra else "")
