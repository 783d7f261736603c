"""Per-language normalisation into index terms: lowercase, tokens, no stop words, Snowball stems, no accents.

The same function analyses the claims when they are indexed and the people's texts when they are searched, so
both sides always agree on what a term is.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from claims.matching.stopwords import stop_words

__all__ = ["STEMMED_LANGUAGES", "analyse", "fold", "left_out_words", "name_terms", "tokens", "written_words"]

# ISO 639-1 → Snowball algorithm shipped by PyStemmer.
_SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "fa": "persian",
}
STEMMED_LANGUAGES = frozenset(code for code, name in _SNOWBALL.items() if name in Stemmer.algorithms())

# A number keeps its decimal/thousands marks so "2,000" and "2000" can be made one term; else runs of letters
# and digits. Apostrophes split ("l'État" → "l", "état") since French elision glues articles to nouns.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[,.]\d{3})+$")
# The same tokens for lowercase ASCII text, where `[^\W_]` is just letters and digits (a faster pattern).
_ASCII_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z0-9]+")
# Longer "words" are hashes, base64 or glued garbage: they would only add unique, meaningless terms.
_MAX_TOKEN = 40

# PyStemmer objects cache and are not thread-safe; the service scores from a thread pool.
_local = threading.local()


def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    name = _SNOWBALL.get(lang)
    if name is None or lang not in STEMMED_LANGUAGES:
        return None
    stemmers: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(lang)
    if stemmer is None:
        # A cache as large as a working vocabulary: a bulk import stems millions of words, mostly repeats.
        stemmer = stemmers[lang] = Stemmer.Stemmer(name, 200_000)
    return stemmer


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """`word` without diacritics ("été" → "ete"), compatibility forms unified ("ﬁ" → "fi")."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _number(token: str) -> str:
    if _THOUSANDS.match(token):
        return token.replace(",", "").replace(".", "")
    return token.replace(",", ".")


def tokens(text: str) -> list[str]:
    """Lowercased tokens of `text` in order, numbers normalised, single letters and over-long runs dropped."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            out.append(_number(token) if "," in token or "." in token else token)
        elif 1 < len(token) <= _MAX_TOKEN:
            out.append(token)
    return out


def analyse(text: str, lang: str) -> list[str]:
    """Index terms of `text` read as language `lang`: content words stemmed then folded, in text order."""
    stops = stop_words(lang)
    stemmer = _stemmer(lang)
    if text.isascii():
        # The bulk of claims: nothing to fold, so skip the per-word Unicode work (this runs once per wording
        # at import, two million times for a million claims).
        words = [
            t
            for t in _ASCII_TOKEN.findall(text.lower())
            if t not in stops and (1 < len(t) <= _MAX_TOKEN or t[0].isdigit())
        ]
        if any("," in t or "." in t for t in words):
            words = [_number(t) if t[0].isdigit() else t for t in words]
        return stemmer.stemWords(words) if stemmer is not None else words
    words = [t for t in tokens(text) if fold(t) not in stops]
    if stemmer is not None:
        # Stem before folding: Snowball's French rules rely on the accents ("été" ≠ "ete").
        words = stemmer.stemWords(words)
    return [fold(w) for w in words]


# A word as written, hyphenated parts kept together ("Jong-un", "Komsomolsk-sur"): a capital makes it a name.
_WRITTEN_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Words Title Case leaves in lowercase besides the stop words ("Cost per Hour", "Texas vs. Japan").
_MINOR_WORDS = frozenset({"per", "vs", "versus", "upon", "onto", "amid", "till", "than", "contre", "selon"})


def name_terms(text: str, lang: str) -> frozenset[str]:
    """Index terms of the words `text` writes with a capital ("Kim Jong-un", "Moscow", "Poutine"): its names.

    Capitals mark names only where the text also writes content words in lowercase; a headline in Title Case
    or a text in capitals says nothing about which words are names, and gets none. A sentence's first word
    counts as a name: in a claim it usually is one ("Putin and Kim met"), and when it is not, the predicate
    only loses one word.
    """
    names: list[str] = []
    lowercase_content = False
    stops = stop_words(lang)
    for word in _WRITTEN_WORD.findall(text):
        if "-" not in word:  # most words: the general case below, without splitting
            if word[0].isupper():
                names.append(word)
                continue
        else:
            parts = word.split("-")
            # From the first capitalised part on: "Jong-un" is a name, "non-Christian" names only "Christian".
            first = next((i for i, part in enumerate(parts) if part[0].isupper()), None)
            if first is not None:
                names.extend(parts[first:])
                continue
        if not lowercase_content and len(word) > 1:
            folded = fold(word.lower())
            lowercase_content = folded not in stops and folded not in _MINOR_WORDS
    if not names or not lowercase_content:
        return frozenset()
    return frozenset(analyse(" ".join(names), lang))


def left_out_words(text: str, lang: str, present: Iterable[str]) -> list[str]:
    """The stretches of `text` (read as `lang`), as written, whose content words' index terms are none of
    `present`: what a shorter text leaves out of it ("in Moscow" gives "Moscow"; stop words count only inside
    a stretch). A capitalised word next to a capitalised word whose terms are present is another part of a
    name the shorter text wrote ("Jong-un" when it wrote "Kim"), not left out."""
    have = frozenset(present)
    words = list(_WRITTEN_WORD.finditer(text))
    terms = [analyse(m.group(0), lang) for m in words]
    shared = [bool(have.intersection(found)) for found in terms]
    capital = [m.group(0)[0].isupper() for m in words]
    lacked = [bool(found) and not shared[i] for i, found in enumerate(terms)]
    for i in range(len(words)):
        if lacked[i] and capital[i]:
            lacked[i] = not any(0 <= j < len(words) and shared[j] and capital[j] for j in (i - 1, i + 1))
    stretches: list[str] = []
    start = end = -1
    for i, match in enumerate(words):
        if lacked[i]:
            start = match.start() if start < 0 else start
            end = match.end()
        elif terms[i] and start >= 0:  # a content word it has (or a name's part) ends the stretch
            stretches.append(text[start:end])
            start = -1
    if start >= 0:
        stretches.append(text[start:end])
    return stretches


def written_words(text: str, lang: str, terms: Iterable[str]) -> str:
    """The stretch of `text`, as written, from the first to the last of its words whose index terms (read as
    `lang`) are among `terms` ("en Corée du Nord" for the terms "cor" and "nord"); "" when none is."""
    wanted = frozenset(terms)
    found = [m for m in _WRITTEN_WORD.finditer(text) if wanted.intersection(analyse(m.group(0), lang))]
    return text[found[0].start() : found[-1].end()] if found else ""
