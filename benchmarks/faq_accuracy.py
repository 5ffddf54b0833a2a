"""Prints FAQ matching figures per labelled set and language: how often people would be helped.

Sets: benchmarks/data/faq_labelled.tsv, the project's own set, which thresholds and synonyms were
tuned on ("own (tuned)"); benchmarks/data/faq_blind.tsv when present, written by someone who never
saw the entries and never used for tuning ("blind (never tuned on)"); and any further TSV files
given on the command line. Columns: lang, expected_id, question; expected_id 'none' (or '-')
marks an out-of-domain question. Misses are listed only for sets that are not blind, so reading
them cannot tune the matcher on the blind set; pass --details to list them at all.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.content.faq import load_faq  # noqa: E402
from bot.content.synonyms import load_synonyms  # noqa: E402
from bot.domain.faq import Band, FaqIndex  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
LABELLED = DATA / "faq_labelled.tsv"
BLIND = DATA / "faq_blind.tsv"
OUT_OF_DOMAIN = frozenset({"-", "none"})
LABELS = {LABELLED.name: "own (tuned)", BLIND.name: "blind (never tuned on)"}


def read_labelled(path: Path = LABELLED) -> list[tuple[str, str, str]]:
    """Rows of (lang, expected_id, question); expected_id 'none' or '-' marks out-of-domain."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["lang"], row["expected_id"].strip(), row["question"]) for row in reader]


@dataclass
class Tally:
    """Counts for one set and language."""

    questions: int = 0
    direct_right: int = 0
    within_near: int = 0  # right answer given directly or among the "did you mean" options
    direct_wrong: int = 0
    ood: int = 0
    ood_direct: int = 0
    ood_near: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Sums another tally into this one (for the both-languages line)."""
        self.questions += other.questions
        self.direct_right += other.direct_right
        self.within_near += other.within_near
        self.direct_wrong += other.direct_wrong
        self.ood += other.ood
        self.ood_direct += other.ood_direct
        self.ood_near += other.ood_near


def evaluate(index: FaqIndex, rows: list[tuple[str, str, str]]) -> dict[str, Tally]:
    """Runs every row through the matcher; one tally per language."""
    tallies: dict[str, Tally] = {}
    for lang, expected, question in rows:
        tally = tallies.setdefault(lang, Tally())
        result = index.match(question)
        offered = [entry_id for entry_id, _ in result.candidates]
        shown = ", ".join(f"{i} {s:.0f}" for i, s in result.candidates) or "-"
        if expected in OUT_OF_DOMAIN:
            tally.ood += 1
            tally.ood_direct += result.band is Band.CLEAR
            tally.ood_near += result.band is Band.NEAR
            if result.band is Band.CLEAR:
                tally.misses.append(f"  [{lang}] {question!r}: out of domain, answered {shown}")
            continue
        tally.questions += 1
        direct = result.band is Band.CLEAR
        tally.direct_right += direct and result.best == expected
        tally.direct_wrong += direct and result.best != expected
        tally.within_near += expected in offered
        if not direct or result.best != expected:
            tally.misses.append(
                f"  [{lang}] {question!r}: want {expected}, {result.band.name} {shown}"
            )
    return tallies


def share(part: int, whole: int) -> str:
    """A percentage with its counts, or a dash when there is nothing to count."""
    return f"{part / whole:6.1%} ({part}/{whole})" if whole else "     - (0/0)"


def report(name: str, tallies: dict[str, Tally], details: bool) -> None:
    """Prints one set's figures per language and for both together."""
    print(f"\n== {name} ==")
    total = Tally()
    lines = [*sorted(tallies.items())]
    for _, tally in lines:
        total.add(tally)
    for lang, tally in [*lines, ("all", total)]:
        n, m = tally.questions, tally.ood
        print(
            f"  {lang:>3}: right direct answer {share(tally.direct_right, n)};"
            f" right within 'did you mean' {share(tally.within_near, n)};"
            f" wrong direct answers {share(tally.direct_wrong, n)};"
            f" out-of-domain answered {share(tally.ood_direct, m)}"
            f" (offered 'did you mean' {share(tally.ood_near, m)})"
        )
    if details:
        for _, tally in lines:
            for line in tally.misses:
                print(line)


def main() -> None:
    """Prints the own set, the blind set when present, and any sets named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="further labelled TSV files")
    parser.add_argument("--details", action="store_true", help="list misses (never for blind)")
    args = parser.parse_args()
    content = ROOT / "content"
    index = FaqIndex(load_faq(content), load_synonyms(content))
    paths = [LABELLED, *([BLIND] if BLIND.exists() else []), *args.sets]
    print(f"entries: {len(index.ids())} per language")
    for path in dict.fromkeys(paths):
        rows = read_labelled(path)
        unknown = {expected for _, expected, _ in rows} - OUT_OF_DOMAIN - set(index.ids())
        if unknown:
            raise SystemExit(f"{path.name} names unknown ids: {sorted(unknown)}")
        name = LABELS.get(path.name, path.stem)
        blind = "blind" in path.name
        report(f"{name}: {path.name}", evaluate(index, rows), args.details and not blind)


if __name__ == "__main__":
    main()
