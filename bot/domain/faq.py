"""FAQ entries and the matcher that turns a free-text question into an entry id."""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import enum
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.domain.synonyms import KEY_MARK, Synonyms
from bot.domain.words import STOP_WORDS, loose, split_words, stem, stems


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
# benchmarks/faq_accuracy.py over benchmarks/data/faq_labelled.tsv (the "own (tuned)" set; the
# blind set is never used for this). With stemming and synonyms, CLEAR_SCORE 45 with a margin of
# 6 keeps every out-of-domain question of that set from a direct answer and wrong direct answers
# under 2%. NEAR_SCORE 35 drops most out-of-domain near-misses. The score shares and the
# unknown-word weight gave the best top-1 accuracy among settings with under 20%
# out-of-domain NEAR answers. A phrasing listed in an entry is answered without scoring.
CLEAR_SCORE = 45.0
CLEAR_MARGIN = 6.0
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
# Credit for a word that is not literally in an entry but of the same family as one that is.
RELATED_CREDIT = 0.8
RELATED_PREFIX = 5  # family words share at least this many first letters ...
RELATED_SHARE = 0.75  # ... and at least this share of the shorter word

# Question words, calendar words and small talk help to rank but say nothing about the topic, so
# they never count as evidence that a question is about the FAQ ("how are you", "what's the
# weather tomorrow"): the FAQ uses them so rarely that their IDF would overrate them.
_NON_TOPICAL_TEXT = """
    how where when who why hoe waar wanneer wie waarom
    today tomorrow tonight yesterday weekend vandaag morgen overmorgen vanavond gisteren
    best good great nice beste goed goede leuk mooi fijn
"""
_MIN_PART = 3  # shortest known word accepted as half of a compound ("expat|loket")
_LINKS = ("s", "e", "en")  # Dutch linking letters: verblijf|s|vergunning, kinder|en|opvang
_CACHE_LIMIT = 20_000
# Long rambling questions: beyond this many content words, words no FAQ phrasing uses weigh less
# (in proportion), so the few words that name the topic are not drowned by the story around them.
LONG_QUERY_WORDS = 8
LONG_DAMPING_POWER = 1
LONG_NEAR_FLOOR = 0.5  # ... and their "did you mean" threshold is lowered to at most this share
# A synonym found as a phrase of n words ("citizen service number") weighs min(n, 3) ** 0.5 times
# its key's weight.
MAX_PHRASE_SPAN = 2
PHRASE_SPAN_POWER = 1.0
# Greetings, thanks and please at the start or end of a question are courtesy, not content.
_COURTESY_TEXT = """
    hi hello hey hallo hoi dear goedemorgen goedemiddag goedenavond morning afternoon evening
    good goede thanks thank you thx tnx ty bedankt dank je u wel please pls alstublieft alsjeblieft
    svp
"""
_COURTESY = frozenset(_COURTESY_TEXT.split())


def _kept(word: str) -> bool:
    """Whether a folded word carries content: not a function word, not a stray letter."""
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


def _correctable(word: str) -> bool:
    """Whether a word is long enough and not a function word or number, so a typo can be fixed."""
    return len(word) >= 3 and not word.isdigit() and word not in STOP_WORDS


def _content_words(text: str, synonyms: Synonyms) -> list[str]:
    """Folded words without function words, synonym terms replaced by their keys."""
    return synonyms.replace([word for word in split_words(text) if _kept(word)])


def _token(word: str, lang: str) -> str:
    """A content word in an entry's matching form: its synonym key or its stem."""
    return word if word.startswith(KEY_MARK) else stem(word, lang)


def tokens(text: str, lang: str, synonyms: Synonyms | None = None) -> list[str]:
    """The words of an entry's text in matching form, in order."""
    return [_token(word, lang) for word in _content_words(text, synonyms or _NO_SYNONYMS)]


_NO_SYNONYMS = Synonyms()
_NON_TOPICAL = frozenset(
    form for word in split_words(_NON_TOPICAL_TEXT) for form in (word, *stems(word))
)


def _scaled(part: _QueryWord, factor: float) -> _QueryWord:
    """The same query word weighing factor times as much."""
    return dataclasses.replace(
        part,
        weight=part.weight * factor,
        phrasings=tuple((n, c * factor) for n, c in part.phrasings),
        entries=tuple((e, c * factor) for e, c in part.entries),
        answers=tuple((e, c * factor) for e, c in part.answers),
    )


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

    def __init__(self, entries: Iterable[FaqEntry], synonyms: Synonyms | None = None) -> None:
        self._synonyms = synonyms or _NO_SYNONYMS
        self._entries: dict[tuple[str, str], FaqEntry] = {}
        self._ids: list[str] = []
        position: dict[str, int] = {}
        phrasings: list[tuple[int, frozenset[str]]] = []
        answers: list[set[str]] = []
        spelling: set[str] = set()  # phrasing words as written, for correcting typos
        variants: dict[tuple[str, ...], set[int]] = {}
        for entry in entries:
            if (entry.id, entry.lang) in self._entries:
                raise ValueError(f"duplicate FAQ entry {entry.id!r} ({entry.lang})")
            self._entries[(entry.id, entry.lang)] = entry
            if entry.id not in position:
                position[entry.id] = len(self._ids)
                self._ids.append(entry.id)
                answers.append(set())
            index = position[entry.id]
            answers[index].update(tokens(entry.answer, entry.lang, self._synonyms))
            for text in (entry.title, *entry.questions):
                spelling.update(split_words(text))
                words = _content_words(text, self._synonyms)
                if found := frozenset(_token(word, entry.lang) for word in words):
                    phrasings.append((index, found))
                if key := self._variant_key(words):
                    variants.setdefault(key, set()).add(index)
        # A question that is one of an entry's phrasings (after folding, synonyms and stemming)
        # is answered outright; a phrasing two entries share is left to the scores.
        self._variants = {
            key: self._ids[next(iter(owners))]
            for key, owners in variants.items()
            if len(owners) == 1
        }

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
        self._in_phrasings = frozenset(word for bag in bags for word in bag)
        # Typos are corrected towards words as written in phrasings and synonym terms.
        spelling.update(self._synonyms.vocabulary())
        self._spelling = frozenset(word for word in spelling if _correctable(word))
        self._spelling_words = sorted(self._spelling)
        self._corrections: dict[str, str] = {}
        self._spread = {word: sum(word in bag for bag in bags) for word in self._in_phrasings}
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

    def phrasing_key(self, text: str) -> tuple[str, ...]:
        """What a text is reduced to before comparing it with the listed phrasings."""
        return self._variant_key(_content_words(text, self._synonyms))

    def match(self, query: str) -> FaqMatch:
        """Finds the entry a question is about, and how sure that is."""
        counted = self._question_words(query)
        listed = self._variants.get(self._variant_key([word for word, _ in counted]))
        if listed is not None:
            return FaqMatch(Band.CLEAR, ((listed, 100.0),))
        parts = self._query(counted)
        ranked = self._rank(parts, MAX_CANDIDATES + 1)
        # A long question's score is diluted by its story: it may still be offered as "did you
        # mean", never answered on a lower score.
        length = min(1.0, LONG_QUERY_WORDS / max(len(parts), 1))
        near_score = NEAR_SCORE * max(LONG_NEAR_FLOOR, length)
        if not ranked or ranked[0][1] < near_score:
            return FaqMatch(Band.NONE, ())
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= CLEAR_SCORE and best - runner_up >= CLEAR_MARGIN and self._specific(parts):
            return FaqMatch(Band.CLEAR, (ranked[0],))
        near = tuple(
            item
            for item in ranked[:MAX_CANDIDATES]
            if item[1] >= near_score and item[1] >= best - NEAR_SPREAD
        )
        return FaqMatch(Band.NEAR, near)

    def scores(self, query: str) -> list[tuple[str, float]]:
        """Every entry with a positive score, best first; for benchmarks and diagnostics."""
        return self._rank(self._query(self._question_words(query)))

    def _question_words(self, query: str) -> list[tuple[str, int]]:
        """A question's content words (with how many words each stands for), courtesies dropped."""
        words = split_words(query)
        start, end = 0, len(words)
        while start < end and words[start] in _COURTESY:
            start += 1
        while end > start and words[end - 1] in _COURTESY:
            end -= 1
        kept = [self._corrected(word) for word in words[start:end] if _kept(word)]
        return self._synonyms.replace_counted(kept)

    @staticmethod
    def _variant_key(words: list[str]) -> tuple[str, ...]:
        """Content words in a language-independent form, in order."""
        return tuple(word if word.startswith(KEY_MARK) else loose(word) for word in words)

    def _query(self, counted: list[tuple[str, int]]) -> list[_QueryWord]:
        """The query as weighted words, with split compounds rejoined and joined ones split."""
        raw = [word for word, _ in counted]
        joined: dict[str, int] = {}
        position = 0
        while position < len(raw):
            for width in (3, 2):
                piece = raw[position : position + width]
                if len(piece) < width or any(word.startswith(KEY_MARK) for word in piece):
                    continue
                glued = "".join(piece)
                if self._phrasing_form(glued):
                    joined.setdefault(glued, 1)  # "verblijfs vergunning" -> verblijfsvergunning
                    position += width
                    break
            else:
                word, span = counted[position]
                joined[word] = max(span, joined.get(word, 1))
                position += 1
        # In a long question the words the FAQ does not know are mostly story, not topic.
        damping = min(1.0, LONG_QUERY_WORDS / len(joined)) ** LONG_DAMPING_POWER if joined else 1.0
        parts: list[_QueryWord] = []
        for word, span in joined.items():
            topical = word not in _NON_TOPICAL and not (set(stems(word)) & _NON_TOPICAL)
            for part in self._resolve(word):
                if span > 1:  # a synonym that took several words says more than one word
                    part = _scaled(part, min(span, MAX_PHRASE_SPAN) ** PHRASE_SPAN_POWER)
                elif not part.phrasings and damping < 1.0:
                    part = _scaled(part, damping)
                if not topical:
                    part = dataclasses.replace(part, topical=False)
                parts.append(part)
        return parts

    def _resolve(self, word: str) -> tuple[_QueryWord, ...]:
        """Maps a query word to known words: its stems, a compound's parts, a typo's fix, kin."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        result: tuple[_QueryWord, ...]
        forms = (word,) if word.startswith(KEY_MARK) else stems(word)
        known = [form for form in forms if form in self._idf]
        parts = () if known or word.startswith(KEY_MARK) else self._split_compound(word)
        if parts:
            result = tuple(part for piece in parts for part in self._resolve(piece))
        else:
            targets: dict[str, float] = dict.fromkeys(known, 1.0)
            for form in forms:
                for other in self._related(form):
                    targets.setdefault(other, RELATED_CREDIT)
            if known:
                weight = max(self._idf[form] for form in known)
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

    def _phrasing_form(self, word: str) -> bool:
        """Whether one of a word's stems is used in some phrasing."""
        return any(form in self._in_phrasings for form in stems(word))

    def _split_compound(self, word: str) -> tuple[str, ...]:
        """Splits an unknown compound into two known words ('expatloket' -> expat, loket)."""
        best: tuple[str, ...] = ()
        for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if not self._phrasing_form(tail):
                continue
            if not self._phrasing_form(head):
                head = next(
                    (
                        head[: -len(link)]
                        for link in _LINKS
                        if head.endswith(link)
                        and len(head) - len(link) >= _MIN_PART
                        and self._phrasing_form(head[: -len(link)])
                    ),
                    "",
                )
            if head and (not best or min(len(head), len(tail)) > min(map(len, best))):
                best = (head, tail)
        return best

    def _corrected(self, word: str) -> str:
        """The word, or the phrasing word it is a typo of (same first letter, one or two keys)."""
        if not _correctable(word) or word in self._spelling:
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        fixed = word
        if not any(form in self._idf for form in stems(word)):
            fixed = self._typo(word) or word
        if len(self._corrections) < _CACHE_LIMIT:
            self._corrections[word] = fixed
        return fixed

    def _typo(self, word: str) -> str | None:
        """The phrasing word a keystroke or two away with the same first letter, if any."""
        allowed = 1 if len(word) < 10 else 2
        hit = process.extractOne(
            word, self._spelling_words, scorer=OSA.distance, score_cutoff=allowed
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
        if len(word) < RELATED_PREFIX or word.startswith(KEY_MARK):
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

    def _rank(self, parts: list[_QueryWord], limit: int = 0) -> list[tuple[str, float]]:
        """Scores entries by best-phrasing overlap plus how much of the query each one covers.

        With a limit, only that many best entries are returned, which saves sorting them all.
        """
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
        owner, weight = self._phrasing_entry, self._phrasing_weight
        for number, shared in overlap.items():
            entry = owner[number]
            value = 2 * shared / (total + weight[number])
            if value > dice.get(entry, 0.0):
                dice[entry] = value
        scored = [
            (
                PHRASING_SHARE * best
                + (BAG_SHARE * in_bag[entry] + ANSWER_SHARE * in_answer.get(entry, 0.0)) / total,
                self._ids[entry],
            )
            for entry, best in dice.items()
        ]
        if limit:
            scored = heapq.nsmallest(limit, scored, key=lambda item: (-item[0], item[1]))
        ranked = [(entry_id, round(min(100 * score, 100.0), 2)) for score, entry_id in scored]
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
