"""Words and phrases that mean the same thing to the FAQ matcher, kept as content."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain.words import STOP_WORDS, loose, split_words

KEY_MARK = "#"  # synonym keys cannot clash with words: words hold only letters and digits


class Synonyms:
    """Groups of terms ('bsn', 'burgerservicenummer', 'citizen service number'), one key each."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        self._terms: list[tuple[str, ...]] = []
        keys: set[str] = set()
        for group in groups:
            if not group:
                raise ValueError("a synonym group is empty")
            key = KEY_MARK + "_".join(split_words(group[0]))  # e.g. '#bsn', '#30_procent'
            if key in keys:
                raise ValueError(f"synonym {group[0]!r} starts two groups")
            keys.add(key)
            for term in group:
                # Terms are compared without function words, as questions are.
                words = [word for word in split_words(term) if word not in STOP_WORDS]
                if not words:
                    raise ValueError(f"synonym {term!r} has no words but function words")
                self._terms.append(tuple(words))
                phrase = tuple(loose(word) for word in words)
                owner = self._phrases.get(phrase)
                if owner is not None and owner != key:
                    raise ValueError(f"synonym {term!r} is in two groups ({owner}, {key})")
                self._phrases[phrase] = key
        self._longest = max(map(len, self._phrases), default=0)

    def replace(self, words: Sequence[str]) -> list[str]:
        """The words with every known term, longest first, replaced by its group's key."""
        return [word for word, _ in self.replace_counted(words)]

    def replace_counted(self, words: Sequence[str]) -> list[tuple[str, int]]:
        """Like replace, with how many words each item stands for."""
        result: list[tuple[str, int]] = []
        forms = [loose(word) for word in words]
        position = 0
        while position < len(words):
            for width in range(min(self._longest, len(words) - position), 0, -1):
                key = self._phrases.get(tuple(forms[position : position + width]))
                if key is not None:
                    result.append((key, width))
                    position += width
                    break
            else:
                result.append((words[position], 1))
                position += 1
        return result

    def vocabulary(self) -> set[str]:
        """Every word of every term, for correcting typos before terms are looked up."""
        return {word for phrase in self._terms for word in phrase}
