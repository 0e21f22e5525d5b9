"""A synthetic archive for benchmarks only: seed sentences shuffled, topic vocabulary mixed in,
random people."""

# Every row is marked synthetic (source file `SYNTHETIC-…`, page label 合成数据) and it is
# only ever written to the benchmark's own database, never to fixtures or a real archive.

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
SYNTHETIC_PREFIX = "SYNTHETIC-"

TOPICS = 40
WORDS_PER_TOPIC = 30
# Each article draws this many words from each of its topics.
WORDS_PER_ARTICLE_TOPIC = 8
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉力兰凤玉红春梅林波宁斌鹏宇"
    "浩凯健俊帆晨阳雪琳婷倩颖琪瑶洁涵欣悦博"
)
INSTITUTION_KINDS = [
    "总工会",
    "市总工会",
    "委党校",
    "大学",
    "社会科学院",
    "劳动关系研究院",
    "职业技术学院",
]
COLUMNS = ["观点", "工作研究", "前沿观察", "热点思考", "观点撷英"]
# Misreadings typical of the seeds, applied to the "original OCR" of some articles.
OCR_NOISE = [
    ("入", "人"),
    ("项", "顶"),
    ("己", "已"),
    ("未", "末"),
    ("土", "士"),
    ("戊", "戌"),
]
TEMPLATES = [
    "在{0}方面，要把{1}与{2}结合起来，推动{3}。",
    "{0}和{1}是当前{2}工作的重点，必须统筹{3}。",
    "围绕{0}，各地探索{1}，形成了{2}的经验，{3}成效明显。",
    "实践表明，{0}离不开{1}，更需要{2}与{3}协同发力。",
    "要以{0}为抓手，健全{1}机制，完善{2}，提升{3}水平。",
]


def seed_text() -> str:
    text = "".join(p.read_text(encoding="utf-8") for p in SEED_PAGES)
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)


def seed_sentences() -> list[str]:
    text = seed_text()
    sentences = [s.strip() for s in re.split(r"(?<=[。！？])", text)]
    return [
        s
        for s in sentences
        if 12 <= len(s) <= 200 and re.search("[\u4e00-\u9fff]{6}", s)
    ]


def topic_vocabulary(rng: random.Random, exclude: str = "") -> list[list[str]]:
    """Words from jieba's dictionary, by frequency band, dealt into topics.

    Mid-frequency nouns and verbs of 2–4 characters: common enough to be real words,
    rare enough that a topic's words co-occur only in that topic's articles. Words that
    occur in the seed pages are left out, so a topic word is found only in its topic.
    """
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    candidates = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        word, freq, tag = parts[0], int(parts[1]), parts[2]
        if (
            tag in {"n", "vn", "nz", "v"}
            and 2 <= len(word) <= 4
            and 300 <= freq <= 30000
        ):
            if re.fullmatch("[\u4e00-\u9fff]+", word) and word not in exclude:
                candidates.append((freq, word))
    candidates.sort(reverse=True)
    # Take evenly across the frequency range so topics mix common and rare words.
    step = max(1, len(candidates) // (TOPICS * WORDS_PER_TOPIC))
    chosen = [w for _, w in candidates[::step]][: TOPICS * WORDS_PER_TOPIC]
    rng.shuffle(chosen)
    return [
        chosen[i * WORDS_PER_TOPIC : (i + 1) * WORDS_PER_TOPIC] for i in range(TOPICS)
    ]


@dataclass
class People:
    authors: list[str]
    affiliations: list[tuple[str, str]]  # (name, province short name)


def make_people(rng: random.Random, n_articles: int, provinces: list[str]) -> People:
    count = max(50, n_articles // 8)
    names = set()
    while len(names) < count:
        names.add(
            rng.choice(SURNAMES)
            + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        )
    affiliations = set()
    while len(affiliations) < max(40, min(2000, n_articles // 20)):
        province = rng.choice(provinces)
        place = province + rng.choice(["", "省", "市"])
        kind = rng.choice(INSTITUTION_KINDS)
        suffix = "" if rng.random() < 0.6 else f"第{rng.randint(1, 9)}分会"
        affiliations.add((f"{place}{kind}{suffix}", province))
    return People(sorted(names), sorted(affiliations))


def add_noise(rng: random.Random, text: str) -> str:
    """The text as OCR might have left it: a few misread and doubled characters."""
    chars = list(text)
    for _ in range(rng.randint(0, 4)):
        right, wrong = rng.choice(OCR_NOISE)
        positions = [i for i, c in enumerate(chars) if c == right]
        if positions:
            chars[rng.choice(positions)] = wrong
    if chars and rng.random() < 0.5:
        i = rng.randrange(len(chars))
        chars.insert(i, chars[i])
    return "".join(chars)


def make_article(rng, sentences, topics, topic_weights) -> dict:
    article_topics = rng.choices(
        range(TOPICS), weights=topic_weights, k=rng.choice((1, 1, 2))
    )
    target = int(rng.triangular(700, 3200, 1400))
    topic_sentences = []
    for t in article_topics:
        words = rng.sample(topics[t], WORDS_PER_ARTICLE_TOPIC)
        for i in range(0, len(words) - 3, 2):
            topic_sentences.append(rng.choice(TEMPLATES).format(*words[i : i + 4]))
    paragraphs, length, para = [], 0, []
    pool = topic_sentences[:]
    while length < target:
        if pool and rng.random() < 0.35:
            s = pool.pop(rng.randrange(len(pool)))
        else:
            s = rng.choice(sentences)
        para.append(s)
        length += len(s)
        if len(para) >= rng.randint(3, 6):
            paragraphs.append("".join(para))
            para = []
    paragraphs.extend(["".join(para)] if para else [])
    if pool:
        paragraphs.append("".join(pool))
    t0 = topics[article_topics[0]]
    title = rng.choice(
        [
            f"以{rng.choice(t0)}推动{rng.choice(t0)}",
            f"{rng.choice(t0)}视角下的{rng.choice(t0)}研究",
            f"关于{rng.choice(t0)}的几点思考",
            f"把握{rng.choice(t0)}与{rng.choice(t0)}的辩证关系",
        ]
    )
    body = "\n\n".join(paragraphs)
    return {
        "title": title,
        "kicker": "",
        "lede": rng.choice(topic_sentences)
        if topic_sentences and rng.random() < 0.3
        else "",
        "body": body,
        "original_ocr": add_noise(rng, body) if rng.random() < 0.7 else body,
        "topics": article_topics,
    }


SEED = 20240520


def topics(seed: int = SEED) -> list[list[str]]:
    """The topic vocabulary an archive generated with `seed` uses (deterministic)."""
    return topic_vocabulary(random.Random(seed), seed_text())


def generate(n: int, *, seed: int = SEED, batch: int = 2000, progress=None) -> dict:
    """Write n synthetic articles (with issues, people, places) to the current database."""
    from django.db import transaction

    from archive.models import Issue
    from articles.models import (
        Affiliation,
        Article,
        Author,
        Authorship,
        Column,
        Province,
    )

    rng = random.Random(seed)
    sentences = seed_sentences()
    topics = topic_vocabulary(rng, seed_text())
    # Topics are not equally common, as in a real archive.
    topic_weights = [1 / (i + 3) for i in range(TOPICS)]
    provinces = list(Province.objects.values_list("short_name", flat=True))
    columns = {c.name: c for c in Column.objects.filter(name__in=COLUMNS)}
    people = make_people(rng, n, provinces)
    with transaction.atomic():
        authors = Author.objects.bulk_create(
            [Author(name=name, sort_key=name) for name in people.authors]
        )
        province_by_name = {p.short_name: p for p in Province.objects.all()}
        affiliations = Affiliation.objects.bulk_create(
            [
                Affiliation(name=name, province=province_by_name[prov])
                for name, prov in people.affiliations
            ]
        )
    start_date = date(2014, 1, 1)
    made = 0
    while made < n:
        size = min(batch, n - made)
        with transaction.atomic():
            issues = []
            for i in range(made // 5, (made + size + 4) // 5):
                raw = f"{SYNTHETIC_PREFIX}{i:07d} 合成版面，仅供性能测试".encode()
                issues.append(
                    Issue(
                        source_name=f"{SYNTHETIC_PREFIX}{i:07d}.txt",
                        raw_bytes=raw,
                        raw_encoding="utf-8",
                        raw_text=raw.decode(),
                        raw_sha256=hashlib.sha256(raw).hexdigest(),
                        publication_date=start_date
                        + timedelta(days=rng.randrange(365 * 11)),
                        page_label="合成数据",
                    )
                )
            issues = Issue.objects.bulk_create(issues)
            articles = []
            for j in range(size):
                data = make_article(rng, sentences, topics, topic_weights)
                data.pop("topics")
                column = rng.choice(COLUMNS)
                articles.append(
                    Article(
                        issue=issues[j // 5],
                        column=columns.get(column),
                        kind=Article.Kind.DIGEST
                        if column == "观点撷英"
                        else Article.Kind.ARTICLE,
                        position=j % 5 + 1,
                        status=rng.choice(list(Article.Status.values)),
                        **data,
                    )
                )
            articles = Article.objects.bulk_create(articles)
            authorships = []
            for article in articles:
                for order in range(1, rng.choice((1, 1, 1, 2, 2, 3)) + 1):
                    authorships.append(
                        Authorship(
                            article=article,
                            author=rng.choice(authors),
                            affiliation=rng.choice(affiliations),
                            order=order,
                        )
                    )
            Authorship.objects.bulk_create(authorships)
        made += size
        if progress:
            progress(made)
    return {"topics": topics, "sentences": len(sentences), "authors": len(authors)}
