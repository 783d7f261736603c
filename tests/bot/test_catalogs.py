"""The reply catalogs: every key in every language, with the same placeholders, and every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, t
from claims.ratings import Rating
from claims.views import Outcome, Status, WordingKind

BOT_DIR = Path(__file__).resolve().parents[2] / "bot"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_has_every_key(lang: str) -> None:
    assert set(catalog(lang)) == set(catalog(DEFAULT_LANGUAGE))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_use_the_same_placeholders(lang: str) -> None:
    english = catalog(DEFAULT_LANGUAGE)
    differing = {
        key for key, text in catalog(lang).items() if placeholders(text) != placeholders(english[key])
    }
    assert differing == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_empty(lang: str) -> None:
    assert [key for key, text in catalog(lang).items() if not text.strip()] == []


def test_every_rating_status_outcome_and_wording_kind_has_a_label() -> None:
    wanted = {f"rating.{r.value}" for r in Rating} | {f"status.{s.value}" for s in Status}
    wanted |= {f"outcome.{o.value}" for o in Outcome} | {f"kind.{k.value}" for k in WordingKind}
    assert wanted - set(catalog(DEFAULT_LANGUAGE)) == set()


def test_every_key_the_code_names_exists() -> None:
    literal = re.compile(r"""\b(?:t|tn|plain)\(\s*[\w.()]+,\s*"([a-z_.-]+)\"""")
    used = {key for path in BOT_DIR.rglob("*.py") for key in literal.findall(path.read_text())}
    plurals = {key for key in catalog(DEFAULT_LANGUAGE) if key.endswith((".one", ".other"))}
    known = set(catalog(DEFAULT_LANGUAGE)) | {key.rsplit(".", 1)[0] for key in plurals}
    assert len(used) > 40
    assert used - known == set()


def test_values_are_escaped_but_catalog_markup_is_kept() -> None:
    assert t("en", "card.claim", text="<b>&") == "<b>Claim:</b> &lt;b&gt;&amp;"
