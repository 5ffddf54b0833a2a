"""Prints FAQ matching accuracy on the labelled set, to choose and check the matcher thresholds."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.content.faq import load_faq  # noqa: E402
from bot.content.synonyms import load_synonyms  # noqa: E402
from bot.domain.faq import Band, FaqIndex  # noqa: E402

LABELLED = ROOT / "benchmarks" / "data" / "faq_labelled.tsv"
OUT_OF_DOMAIN = "-"


def read_labelled(path: Path = LABELLED) -> list[tuple[str, str, str]]:
    """Rows of (lang, expected_id, question); expected_id '-' marks out-of-domain."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["lang"], row["expected_id"], row["question"]) for row in reader]


def main() -> None:
    """Runs every labelled question through the matcher and prints the figures."""
    index = FaqIndex(load_faq(ROOT / "content"), load_synonyms(ROOT / "content"))
    rows = read_labelled()
    unknown = {expected for _, expected, _ in rows} - {OUT_OF_DOMAIN, *index.ids()}
    if unknown:
        raise SystemExit(f"labelled set names unknown ids: {sorted(unknown)}")

    in_domain = [row for row in rows if row[1] != OUT_OF_DOMAIN]
    ood = [row for row in rows if row[1] == OUT_OF_DOMAIN]
    top1 = clear_right = clear_wrong = near_right = 0
    bands: Counter[Band] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for lang, expected, question in in_domain:
        result = index.match(question)
        bands[result.band] += 1
        got = result.best or "(none)"
        if got == expected:
            top1 += 1
            if result.band is Band.CLEAR:
                clear_right += 1
            else:
                near_right += 1
        else:
            if result.band is Band.CLEAR:
                clear_wrong += 1
            confusions[(expected, got)] += 1
            shown = ", ".join(f"{i} {s:.0f}" for i, s in result.candidates) or "-"
            misses.append(f"  [{lang}] {question!r}: want {expected}, {result.band.name} {shown}")

    ood_bands: Counter[Band] = Counter()
    ood_answered: list[str] = []
    for lang, _, question in ood:
        result = index.match(question)
        ood_bands[result.band] += 1
        if result.band is Band.CLEAR:
            ood_answered.append(f"  [{lang}] {question!r} -> {result.best}")

    n, m = len(in_domain), len(ood)
    print(f"entries: {len(index.ids())}; labelled in-domain: {n}; out-of-domain: {m}")
    print(f"top-1 accuracy (CLEAR or NEAR, expected id first): {top1 / n:.1%} ({top1}/{n})")
    print(f"  CLEAR and right: {clear_right / n:.1%}; NEAR with right first: {near_right / n:.1%}")
    print(f"  CLEAR but wrong: {clear_wrong / n:.1%} ({clear_wrong}/{n})")
    print("  bands: " + ", ".join(f"{b.name} {bands[b]}" for b in Band))
    print(f"out-of-domain wrongly answered (CLEAR): {len(ood_answered) / m:.1%}")
    print("  bands: " + ", ".join(f"{b.name} {ood_bands[b]}" for b in Band))
    for line in ood_answered:
        print(line)
    print("confusions (expected -> got: count):")
    for (expected, got), count in confusions.most_common():
        print(f"  {expected} -> {got}: {count}")
    print("misses:")
    for line in misses:
        print(line)


if __name__ == "__main__":
    main()
