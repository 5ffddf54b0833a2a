"""Small counts never leave a report exactly: below 5 they read "<5", and neighbours cover them.

A breakdown is shown next to its total (visits per week and the visits of the period), so one
"<5" among exact cells could be worked out by subtraction. `protect` therefore also hides the
smallest other cells (shown as "×") until no small cell can be pinned down from the total, even
by someone who knows that a "<5" cell holds 1-4 and assumes a "×" cell holds 0 or at least 5
(and no more than the smallest cell still shown). When that is impossible (three weeks of 4
with a total of 12), every cell of the breakdown is shown as "×".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "×"
Mark = Literal["value", "small", "hidden"]


def is_small(count: int) -> bool:
    """Whether a count would single out fewer than THRESHOLD people (0 is safe to show)."""
    return 0 < count < THRESHOLD


def shown_count(count: int) -> int | None:
    """The count as it may be shown: None when it is small."""
    return None if is_small(count) else count


def protect(cells: Sequence[int]) -> tuple[Mark, ...]:
    """Which cells of a breakdown can be shown, given that its total is shown too."""
    marks: list[Mark] = ["small" if is_small(c) else "value" for c in cells]
    if "small" not in marks or is_small(sum(cells)):
        return tuple(marks)
    while _derivable(cells, marks):
        visible = [i for i, m in enumerate(marks) if m == "value"]
        if not visible:
            # e.g. three weeks of 4 with a total of 12: even "<5" says too much, show nothing.
            return tuple("hidden" for _ in cells)
        marks[min(visible, key=lambda i: (cells[i] == 0, cells[i], i))] = "hidden"
    return tuple(marks)


def share_visible(part: int, whole: int) -> bool:
    """A share may be shown only when neither it nor its complement rests on a small count."""
    return whole >= THRESHOLD and not is_small(part) and not is_small(whole - part)


def _derivable(cells: Sequence[int], marks: Sequence[Mark]) -> bool:
    """Whether some small cell has only one value consistent with the total and the bounds."""
    covered = [i for i, m in enumerate(marks) if m != "value"]
    total = sum(cells[i] for i in covered)
    visible = [cells[i] for i, m in enumerate(marks) if m == "value" and cells[i] > 0]
    ceiling = min(visible) if visible else total  # hidden cells were the smallest ones
    for i in covered:
        if marks[i] != "small":
            continue
        others = _reachable((marks[j] for j in covered if j != i), total, ceiling)
        options = [v for v in range(1, THRESHOLD) if v <= total and others >> (total - v) & 1]
        if len(options) <= 1:
            return True
    return False


def _reachable(marks: Iterable[Mark], total: int, ceiling: int) -> int:
    """Bitset of the sums the given covered cells can make (bit n set: sum n possible)."""
    mask = (1 << (total + 1)) - 1
    reach = 1
    for mark in marks:
        if mark == "small":
            step = _spread(reach, THRESHOLD - 1) << 1  # values 1..4
        else:
            width = max(0, min(ceiling, total) - THRESHOLD + 1)
            step = reach | (_spread(reach, width) << THRESHOLD)  # 0, or 5..ceiling
        reach = step & mask
    return reach


def _spread(bits: int, width: int) -> int:
    """OR of bits shifted by 0 .. width-1, in O(log width) big-integer operations."""
    result, shift, block, size = 0, 0, bits, 1
    while width:
        if width & 1:
            result |= block << shift
            shift += size
        block |= block << size
        size *= 2
        width >>= 1
    return result
