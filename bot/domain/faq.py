"""FAQ entries and the matcher that turns a free-text question into an entry id."""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import enum
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA


@dataclass(frozen=True)
class FaqEntry:
    """One answer in one language; the same id exists in every language."""

    id: str
    lang: str
    topic: str
    title: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    checked: datetime.date


class Band(enum.Enum):
    """How sure the matcher is, so the caller can answer, ask back or hand off."""

    CLEAR = "clear"
    NEAR = "near"
    NONE = "none"


@dataclass(frozen=True)
class FaqMatch:
    """Entry ids with scores (0-100), best first; empty when nothing fits."""

    band: Band
    candidates: tuple[tuple[str, float], ...]

    @property
    def best(self) -> str | None:
        """Lets callers that only want an answer skip the tuple handling."""
        return self.candidates[0][0] if self.candidates else None


# Thresholds and weights; scores run 0-100. All were chosen by sweeping them with
# benchmarks/faq_accuracy.py over benchmarks/data/faq_labelled.tsv, which was written before the
# matcher. With CLEAR_SCORE 40, 1.5-3% of out-of-domain questions come out CLEAR; from 45 none do.
# 50 with a margin of 8 keeps a buffer and holds wrong CLEAR answers to in-domain questions under
# 2% while still answering about 72% outright. NEAR_SCORE 35 drops most out-of-domain near-misses
# (they score 30-41) and costs one in-domain question. The score shares and the unknown-word
# weight gave the best top-1 accuracy among settings with under 20% out-of-domain NEAR answers.
CLEAR_SCORE = 50.0
CLEAR_MARGIN = 8.0
NEAR_SCORE = 35.0
NEAR_SPREAD = 20.0  # near candidates must be within this many points of the best one
MAX_CANDIDATES = 3
# Share of the query's weight that must be words the FAQ knows at all; below it the question is
# about something else ("best pizza in maastricht").
MIN_COVERAGE = 0.3
# A query carrying less information than this (summed IDF) is never CLEAR ...
MIN_CLEAR_INFORMATION = 2.2
# ... nor is a one-word query whose word appears in the phrasings of more entries than this.
MAX_LONE_WORD_ENTRIES = 2
# Score = weighted sum of: overlap with the best phrasing (Dice), share of the query found in the
# entry's phrasings, share found in the entry's answer text.
PHRASING_SHARE = 0.5
BAG_SHARE = 0.30
ANSWER_SHARE = 0.2
# Weight of a word the FAQ never uses, as a multiple of the weight of the rarest word it uses.
UNKNOWN_WEIGHT = 1.2
# Credits for a word that is not literally in an entry but stands for one that is.
TYPO_CREDIT = 0.9
RELATED_CREDIT = 0.8
RELATED_PREFIX = 5  # family words share at least this many first letters ...
RELATED_SHARE = 0.75  # ... and at least this share of the shorter word

# Function words and fillers of both languages. Question words (where/when/how) are not here:
# they separate "where is it" from "when is it open".
_STOP_TEXT = """
    a an the is are am be was were been being do does did doing i me my mine you your yours we our
    us it its this that these those there here to of in on at for from by with about as and or but
    if so what whats which can could would should will shall may might must have has had having
    please just any some also then than too very really actually exactly thing things into between
    like get got gets getting go going goes want know tell make makes making ll re ve
    de het een en of maar dan ik mij me mijn jij je jou jouw u uw wij we ons onze jullie zij ze
    hun hij haar is ben bent zijn was waren wordt worden word werd kan kun kunt kunnen mag mogen
    moet moeten wil wilt willen zal zullen heb hebt heeft hebben had die dat deze dit daar hier
    er te van in op aan met voor bij naar om over uit tot door wat welk welke nog ook al wel eens
    even toch graag eigenlijk precies allemaal gewoon ga gaat gaan doe doet doen krijg krijgt
    krijgen weet weten zeg vertel iets dingen maak maakt maken
"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())
# Question words, calendar words and small talk help to rank but say nothing about the topic, so
# they never count as evidence that a question is about the FAQ ("how are you", "what's the
# weather tomorrow"): the FAQ uses them so rarely that their IDF would overrate them.
_NON_TOPICAL_TEXT = """
    how where when who why hoe waar wanneer wie waarom
    today tomorrow tonight yesterday weekend vandaag morgen overmorgen vanavond gisteren
    best good great nice beste goed goede leuk mooi fijn
"""
_SUFFIXES = ("ingen", "ing", "en", "es", "ed", "s", "e")
_MIN_STEM = 4
_SYNONYMS = {"percent": "procent", "pct": "procent"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_MIN_PART = 3  # shortest known word accepted as half of a compound ("expat|loket")
_CACHE_LIMIT = 20_000


def _fold(text: str) -> str:
    """Lowercases and strips accents so 'België' and 'belgie' meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    """Cuts one common Dutch/English ending so plurals and verb forms share a key."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> list[str]:
    """Folded words without stop words, '%' spelled out, not yet stemmed."""
    folded = _NON_WORD.sub(" ", _fold(text).replace("%", " procent "))
    found = (_SYNONYMS.get(word, word) for word in folded.split())
    return [word for word in found if word not in _STOP_WORDS and (len(word) > 1 or word.isdigit())]


def tokens(text: str) -> list[str]:
    """The words of a text in matching form, in order; also used to compare phrasings in tests."""
    return [_stem(word) for word in _content_words(text)]


_NON_TOPICAL = frozenset(tokens(_NON_TOPICAL_TEXT))


def _common_prefix(a: str, b: str) -> int:
    """Length of the shared beginning of two words."""
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


@dataclass(frozen=True)
class _QueryWord:
    """A query word with its weight, stand-ins and per-phrasing credit, worked out once per word."""

    weight: float
    targets: tuple[tuple[str, float], ...]
    phrasings: tuple[tuple[int, float], ...] = ()
    entries: tuple[tuple[int, float], ...] = ()
    answers: tuple[tuple[int, float], ...] = ()
    topical: bool = True


# How a query is scored: its words are stemmed and weighted by IDF; unknown words are mapped to
# known ones where possible (compound parts, a typo's fix via rapidfuzz OSA distance, same-family
# words), and each entry scores by its best phrasing (weighted Dice) plus how much of the query its
# phrasings and its answer cover. Whole-string fuzzy ratios alone cannot reject off-topic input:
# over these phrasings WRatio gives "recipe for pancakes" 86, the same as "wat is een bns nummer"
# gets for its right entry, and token_set_ratio gives "best pizza in maastricht" 70.
class FaqIndex:
    """All entries of all languages, indexed once for fast language-independent matching."""

    def __init__(self, entries: Iterable[FaqEntry]) -> None:
        self._entries: dict[tuple[str, str], FaqEntry] = {}
        self._ids: list[str] = []
        position: dict[str, int] = {}
        phrasings: list[tuple[int, frozenset[str]]] = []
        answers: list[set[str]] = []
        for entry in entries:
            if (entry.id, entry.lang) in self._entries:
                raise ValueError(f"duplicate FAQ entry {entry.id!r} ({entry.lang})")
            self._entries[(entry.id, entry.lang)] = entry
            if entry.id not in position:
                position[entry.id] = len(self._ids)
                self._ids.append(entry.id)
                answers.append(set())
            index = position[entry.id]
            answers[index].update(tokens(entry.answer))
            for text in (entry.title, *entry.questions):
                if found := frozenset(tokens(text)):
                    phrasings.append((index, found))

        bags: list[set[str]] = [set() for _ in self._ids]
        for index, found in phrasings:
            bags[index].update(found)
        # IDF per entry over phrasings and answer alike: words used all over the FAQ weigh little,
        # the answers serving as a small background corpus.
        count = max(len(self._ids), 1)
        frequency: dict[str, int] = {}
        for bag, answer in zip(bags, answers, strict=True):
            for word in bag | answer:
                frequency[word] = frequency.get(word, 0) + 1
        self._idf = {word: math.log(1 + count / df) for word, df in frequency.items()}
        self._unknown_weight = UNKNOWN_WEIGHT * math.log(1 + count)
        self._known = sorted(frequency)
        self._phrasing_words = sorted({word for bag in bags for word in bag})
        self._in_phrasings = frozenset(self._phrasing_words)
        self._spread = {word: sum(word in bag for bag in bags) for word in self._phrasing_words}
        self._phrasing_entry = [index for index, _ in phrasings]
        self._phrasing_weight = [sum(self._idf[w] for w in found) for _, found in phrasings]
        self._postings: dict[str, list[int]] = {}
        for number, (_, found) in enumerate(phrasings):
            for word in found:
                self._postings.setdefault(word, []).append(number)
        self._answer_postings: dict[str, list[int]] = {}
        for index, answer in enumerate(answers):
            for word in answer:
                self._answer_postings.setdefault(word, []).append(index)
        self._cache: dict[str, tuple[_QueryWord, ...]] = {}

    def ids(self) -> list[str]:
        """Entry ids in content order, for listings and parity checks."""
        return list(self._ids)

    def entry(self, entry_id: str, lang: str) -> FaqEntry:
        """The entry to show, in the user's language."""
        try:
            return self._entries[(entry_id, lang)]
        except KeyError:
            raise KeyError(f"no FAQ entry {entry_id!r} in {lang!r}") from None

    def match(self, query: str) -> FaqMatch:
        """Finds the entry a question is about, and how sure that is."""
        parts = self._query(query)
        ranked = self._rank(parts)
        if not ranked or ranked[0][1] < NEAR_SCORE:
            return FaqMatch(Band.NONE, ())
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= CLEAR_SCORE and best - runner_up >= CLEAR_MARGIN and self._specific(parts):
            return FaqMatch(Band.CLEAR, (ranked[0],))
        near = tuple(
            item
            for item in ranked[:MAX_CANDIDATES]
            if item[1] >= NEAR_SCORE and item[1] >= best - NEAR_SPREAD
        )
        return FaqMatch(Band.NEAR, near)

    def scores(self, query: str) -> list[tuple[str, float]]:
        """Every entry with a positive score, best first; for benchmarks and diagnostics."""
        return self._rank(self._query(query))

    def _query(self, query: str) -> list[_QueryWord]:
        """The query as weighted words, with split compounds rejoined and joined ones split."""
        raw = _content_words(query)
        joined: list[str] = []
        position = 0
        while position < len(raw):
            for width in (3, 2):
                glued = _stem("".join(raw[position : position + width]))
                if position + width <= len(raw) and glued in self._in_phrasings:
                    joined.append(glued)  # "burger service nummer" -> burgerservicenummer
                    position += width
                    break
            else:
                joined.append(_stem(raw[position]))
                position += 1
        parts: list[_QueryWord] = []
        for word in dict.fromkeys(joined):
            for part in self._resolve(word):
                if word in _NON_TOPICAL:
                    part = dataclasses.replace(part, topical=False)
                parts.append(part)
        return parts

    def _resolve(self, word: str) -> tuple[_QueryWord, ...]:
        """Maps a query word to known words: itself, a compound's parts, a typo's fix, kin."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        result: tuple[_QueryWord, ...]
        parts = () if word in self._idf else self._split_compound(word)
        if parts:
            result = tuple(part for piece in parts for part in self._resolve(piece))
        else:
            targets: dict[str, float] = {word: 1.0} if word in self._idf else {}
            if word not in self._in_phrasings and (fixed := self._typo(word)):
                targets.setdefault(fixed, TYPO_CREDIT)
            for other in self._related(word):
                targets.setdefault(other, RELATED_CREDIT)
            if word in self._idf:
                weight = self._idf[word]
            elif targets:
                weight = max(self._idf[other] for other in targets)
            else:
                weight = self._unknown_weight
            result = (self._credited(weight, targets),)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = result
        return result

    def _credited(self, weight: float, targets: dict[str, float]) -> _QueryWord:
        """A query word with the best credit it gives each phrasing, entry and answer."""
        phrasings: dict[int, float] = {}
        answers: dict[int, float] = {}
        for word, credit in targets.items():
            for number in self._postings.get(word, ()):
                phrasings[number] = max(credit, phrasings.get(number, 0.0))
            for entry in self._answer_postings.get(word, ()):
                answers[entry] = max(credit, answers.get(entry, 0.0))
        entries: dict[int, float] = {}
        for number, credit in phrasings.items():
            entry = self._phrasing_entry[number]
            entries[entry] = max(credit, entries.get(entry, 0.0))
        return _QueryWord(
            weight,
            tuple(targets.items()),
            tuple((n, c * weight) for n, c in phrasings.items()),
            tuple((e, c * weight) for e, c in entries.items()),
            tuple((e, c * weight) for e, c in answers.items()),
        )

    def _split_compound(self, word: str) -> tuple[str, ...]:
        """Splits an unknown compound into two known words ('expatloket' -> expat, loket)."""
        best: tuple[str, ...] = ()
        for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
            head, tail = word[:cut], _stem(word[cut:])
            if head not in self._in_phrasings and head.endswith("s"):
                head = head[:-1]  # Dutch linking s: verblijfs|vergunning
            head = _stem(head)
            known = head in self._in_phrasings and tail in self._in_phrasings
            if known and (not best or min(len(head), len(tail)) > min(map(len, best))):
                best = (head, tail)
        return best

    def _typo(self, word: str) -> str | None:
        """The phrasing word a keystroke or two away with the same first letter, if any."""
        if len(word) < 3:
            return None
        allowed = 1 if len(word) < 10 else 2
        hit = process.extractOne(
            word, self._phrasing_words, scorer=OSA.distance, score_cutoff=allowed
        )
        if hit is None:
            return None
        fixed: str = hit[0]
        if fixed[0] != word[0] or abs(len(fixed) - len(word)) > allowed:
            return None
        # Short words: only a swapped, missing or extra letter ("bns", "trak"); a replaced one
        # would turn "car" into "card" and "park" into "part".
        if len(word) <= 4 and len(fixed) == len(word) and sorted(fixed) != sorted(word):
            return None
        if len(word) == 3 and len(fixed) != 3:
            return None
        return fixed

    def _related(self, word: str) -> list[str]:
        """Known words of the same family ('registration' ~ 'register', 'salary' ~ 'salaris')."""
        if len(word) < RELATED_PREFIX:
            return []
        prefix = word[:RELATED_PREFIX]
        found: list[str] = []
        for other in self._known[bisect.bisect_left(self._known, prefix) :]:
            if not other.startswith(prefix):
                break
            shared = _common_prefix(word, other)
            if other != word and shared >= RELATED_SHARE * min(len(word), len(other)):
                found.append(other)
        return found

    def _rank(self, parts: list[_QueryWord]) -> list[tuple[str, float]]:
        """Scores entries by best-phrasing overlap plus how much of the query each one covers."""
        topical = sum(part.weight for part in parts if part.topical)
        evidence = sum(part.weight for part in parts if part.topical and part.targets)
        if not evidence or evidence / topical < MIN_COVERAGE:
            return []
        total = sum(part.weight for part in parts)
        overlap: dict[int, float] = {}
        in_bag: dict[int, float] = {}
        in_answer: dict[int, float] = {}
        for part in parts:
            for number, gain in part.phrasings:
                overlap[number] = overlap.get(number, 0.0) + gain
            for entry, gain in part.entries:
                in_bag[entry] = in_bag.get(entry, 0.0) + gain
            for entry, gain in part.answers:
                in_answer[entry] = in_answer.get(entry, 0.0) + gain
        dice: dict[int, float] = {}
        for number, shared in overlap.items():
            entry = self._phrasing_entry[number]
            value = 2 * shared / (total + self._phrasing_weight[number])
            dice[entry] = max(value, dice.get(entry, 0.0))
        ranked: list[tuple[str, float]] = []
        for entry, best in dice.items():
            covered = BAG_SHARE * in_bag[entry] + ANSWER_SHARE * in_answer.get(entry, 0.0)
            score = PHRASING_SHARE * best + covered / total
            ranked.append((self._ids[entry], round(100 * score, 2)))
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked

    def _specific(self, parts: list[_QueryWord]) -> bool:
        """Whether a query says enough to be answered without asking back."""
        known = [part for part in parts if part.topical and part.targets]
        if sum(part.weight for part in known) < MIN_CLEAR_INFORMATION:
            return False
        if len(known) > 1:
            return True
        # A lone word used by several entries ("permit", "time") names a topic, not a question.
        spread = max(self._spread.get(word, 0) for word, _ in known[0].targets)
        return spread <= MAX_LONE_WORD_ENTRIES
