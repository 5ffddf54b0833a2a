"""Prints FAQ match latency (p50/p99) now and at ten times the content, to see how it scales."""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.faq_accuracy import read_labelled  # noqa: E402
from bot.content.faq import load_faq  # noqa: E402
from bot.content.synonyms import load_synonyms  # noqa: E402
from bot.domain.faq import FaqEntry, FaqIndex  # noqa: E402
from bot.domain.synonyms import Synonyms  # noqa: E402

ROUNDS = 5
SCALE = 10
AIMS_MS = {1: 1.0, SCALE: 5.0}  # p99 of one match, from issue 14
# Made-up words so the copies add vocabulary and postings, as real new entries would.
_FILLERS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india")


def _vary(text: str, copy: int) -> str:
    """A deterministic variant of a phrasing: words rotated and a copy-specific word added."""
    words = text.split()
    shift = copy % max(len(words), 1)
    rotated = words[shift:] + words[:shift]
    return " ".join([*rotated, f"{_FILLERS[copy % len(_FILLERS)]}{copy}"])


def scaled(entries: list[FaqEntry], factor: int) -> list[FaqEntry]:
    """The real entries plus factor-1 varied copies of each, under new ids."""
    result = list(entries)
    for copy in range(1, factor):
        for entry in entries:
            result.append(
                dataclasses.replace(
                    entry,
                    id=f"{entry.id}-x{copy}",
                    title=_vary(entry.title, copy),
                    questions=tuple(_vary(q, copy) for q in entry.questions),
                    answer=_vary(entry.answer, copy),
                )
            )
    return result


def measure(index: FaqIndex, queries: list[str]) -> tuple[float, float, float]:
    """p50, p99 and max of one match call, in milliseconds, after one warm-up pass."""
    for query in queries:
        index.match(query)
    samples: list[float] = []
    for _ in range(ROUNDS):
        for query in queries:
            start = time.perf_counter_ns()
            index.match(query)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98], max(samples)


def measure_cold(
    entries: list[FaqEntry], synonyms: Synonyms, queries: list[str]
) -> tuple[float, float]:
    """p50 and p99 on a fresh index, where every unseen word still goes through the typo search."""
    index = FaqIndex(entries, synonyms)
    samples: list[float] = []
    for query in queries:
        start = time.perf_counter_ns()
        index.match(query)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def main() -> None:
    """Times every labelled question against the real content and a ten-fold copy of it."""
    entries = load_faq(ROOT / "content")
    synonyms = load_synonyms(ROOT / "content")
    queries = [question for _, _, question in read_labelled()]
    print(f"queries: {len(queries)} labelled questions x {ROUNDS} rounds")
    for factor in (1, SCALE):
        content = scaled(entries, factor)
        start = time.perf_counter()
        index = FaqIndex(content, synonyms)
        build = (time.perf_counter() - start) * 1000
        p50, p99, worst = measure(index, queries)
        cold50, cold99 = measure_cold(content, synonyms, queries)
        aim = AIMS_MS[factor]
        verdict = "meets" if max(p99, cold99) <= aim else "MISSES"
        print(
            f"{factor:>2}x: {len(index.ids())} entries ({len(content)} files),"
            f" build {build:.0f} ms;"
            f" warm p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {worst:.3f} ms;"
            f" cold p50 {cold50:.3f} ms, p99 {cold99:.3f} ms;"
            f" {verdict} the aim of p99 <= {aim:g} ms"
        )


if __name__ == "__main__":
    main()
