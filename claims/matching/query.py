"""A person's text made ready for matching: cleaned once, language decided once, analysed once."""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.matching.cleaning import clean_text, mentioned_names, signature_date
from claims.matching.language import detect_language
from claims.matching.normalise import analyse

__all__ = ["Query", "prepare_query"]


@dataclass(frozen=True, slots=True)
class Query:
    """What the matcher searches with. Build it with `prepare_query`, not by hand."""

    raw: str
    text: str
    lang: str
    words: int
    # Index terms of `text` in `lang`, in order (stemmed, folded, no stop words), then those of the names the
    # cleaning removed (@handles, the tweet's author): what the index is asked. `words` counts only the
    # former.
    terms: tuple[str, ...] = field(default=(), repr=False)
    # (year, month) the text says it was written, from a pasted tweet's signature; None when it does not say.
    date: tuple[int, int] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The index terms of the names the cleaning removed (searched, but not words of the text)."""
        return self.terms[self.words :]

    @property
    def empty(self) -> bool:
        """True when nothing searchable is left (emoji only, a bare URL, punctuation)."""
        return self.words == 0


def prepare_query(text: str, *, lang_hint: str | None = None) -> Query:
    """Clean `text`, detect its language (`lang_hint` for short text) and analyse it into index terms."""
    cleaned = clean_text(text)
    lang = detect_language(cleaned, hint=lang_hint)
    own = analyse(cleaned, lang)
    names = mentioned_names(text)
    extra = analyse(names, lang) if names else []
    return Query(
        raw=text, text=cleaned, lang=lang, words=len(own), terms=tuple(own + extra), date=signature_date(text)
    )
