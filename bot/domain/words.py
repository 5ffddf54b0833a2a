"""Words of free text in matching form: folded, cleaned of invisible characters, stemmed."""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

# Porter's Dutch stemmer rather than snowball's newer default: the newer one strips 'ge' inside
# words ('burgerservicenummer' -> 'burrservicenummer', 'gemeente' -> 'meen'), which makes
# stems collide with unrelated words and compound parts unrecognisable.
_DUTCH = snowballstemmer.stemmer("dutch_porter")
_ENGLISH = snowballstemmer.stemmer("english")
_STEMMERS = {"nl": _DUTCH, "en": _ENGLISH}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS_LETTERS = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")  # 150km -> 150 km
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
    laat laten liet als zo dus nou he she his him her they them their its so just even honestly
    basically anyway maybe perhaps
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Symbols that carry meaning in questions ("30%", "€ 423") become words before the rest goes.
_SYMBOLS = str.maketrans({"%": " procent ", "€": " euro ", "&": " and "})


def fold(text: str) -> str:
    """Lowercase, no accents, compatibility forms or zero-width characters ('België' → 'belgie')."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )


def split_words(text: str) -> list[str]:
    """The folded words of a text in order; punctuation, emoji and other scripts separate them."""
    spaced = _NON_WORD.sub(" ", fold(text).translate(_SYMBOLS))
    return _DIGITS_LETTERS.sub(" ", spaced).split()


@functools.lru_cache(maxsize=65_536)
def stem(word: str, lang: str) -> str:
    """The stem of a word in one language ('vergunningen' → 'vergunn', 'documents' → 'document')."""
    stemmer = _STEMMERS.get(lang)
    if stemmer is None or word.isdigit():
        return word
    result: str = stemmer.stemWord(word)
    return result or word


@functools.lru_cache(maxsize=65_536)
def stems(word: str) -> tuple[str, ...]:
    """The word's stems in both languages (a question's language is not known), distinct."""
    return tuple(dict.fromkeys((stem(word, "nl"), stem(word, "en"))))


def loose(word: str) -> str:
    """One language-independent key per word: its shortest stem, for whole-phrase comparisons."""
    return min((*stems(word), word), key=lambda form: (len(form), form))
