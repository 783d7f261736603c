"""Language detection accuracy on short texts: langdetect alone (the rule before) against langdetect and
fastText weighed with the hint (`detect_language` now), side by side, with the hint right and wrong.

    python benchmarks/language_accuracy.py                       # ~1 min
    python benchmarks/language_accuracy.py --sweep               # also the weighings around the chosen one
    python benchmarks/language_accuracy.py --search              # also headline -> claim search (~3 min)
    python benchmarks/language_accuracy.py --testdata DIR        # also DIR/<kind>/<lang>.txt, one text a line

Labelled texts (what the bot meets: a claim in a sentence or a headline):
- English: CheckThat! 2020's review headlines (`title`, 3-12 words, Title Case, full of names) and its claims
  as checked (`vclaim`), a seeded sample of `--sample` each;
- French: the sentences of the seed article (`shared/seed/`), and their first 4, 6 and 8 words (short claims);
- both: the demo claims' wordings (their language is given).
`--testdata` reads any directory laid out as lingua's `language-testdata` (`sentences/fr.txt`,
`word-pairs/en.txt`...; not shipped here), for the languages of `--languages`.

"Right hint" is the person's Telegram language being the text's; "wrong hint" the other one of English and
French (a French speaker pasting an English claim). The rule before: the hint for text under 3 words or 20
letters (or `undetectable` otherwise), else langdetect's likeliest language when its probability is at least
0.5, else the hint.

`--search` measures what a wrong language costs the matcher: CheckThat!'s claims are indexed by their `vclaim`
alone and each headline that is not the same text is searched among them (a short paraphrase of a claim);
recall@1 and MRR@5 for each detection, and with the language given (English) as the ceiling.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from checkthat_eval import default_data_dir, load_claims  # noqa: E402

from claims.demo import REVIEWS  # noqa: E402
from claims.matching.cleaning import clean_text  # noqa: E402
from claims.matching.language import (  # noqa: E402
    WEIGHING,
    Weighing,
    detect_language,
    language_probabilities,
    undetectable,
)

Labelled = list[tuple[str, str]]
Detector = Callable[[str, str], str]
SEED_ARTICLE = REPO.parent / "shared" / "seed" / "article-fr-putin-kim-2023-09.txt"
_WORD = re.compile(r"[^\W\d_]+")


def langdetect_alone(text: str, hint: str) -> str:
    """The rule before this benchmark's round: the hint under 3 words or 20 letters, else langdetect's
    likeliest language at >= 0.5, else the hint."""
    if undetectable(text, min_words=3, min_letters=20):
        return hint
    try:
        found = language_probabilities(text)
    except Exception:  # langdetect's "no features"
        return hint
    return found[0].lang if found and found[0].prob >= 0.5 else hint


def weighed(weighing: Weighing) -> Detector:
    return lambda text, hint: detect_language(text, hint=hint, weighing=weighing)


def seed_sentences(path: Path) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?<=[.!?»])\s+|\n+", text)
    return [p.strip(' «»"') for p in parts if len(_WORD.findall(p)) >= 3]


def labelled_sets(args: argparse.Namespace) -> dict[str, Labelled]:
    sets: dict[str, Labelled] = {}
    claims = load_claims(args.data)
    rng = random.Random(args.seed)
    headlines = [c.title for c in claims if c.title.strip()]
    sets["CheckThat! headlines (en)"] = [
        (t, "en") for t in rng.sample(headlines, min(args.sample, len(headlines)))
    ]
    vclaims = [c.vclaim for c in claims]
    sets["CheckThat! claims (en)"] = [(t, "en") for t in rng.sample(vclaims, min(args.sample, len(vclaims)))]
    sentences = seed_sentences(SEED_ARTICLE)
    sets["seed article sentences (fr)"] = [(s, "fr") for s in sentences]
    sets["seed article, first 4/6/8 words (fr)"] = [
        (" ".join(s.split()[:n]), "fr") for s in sentences for n in (4, 6, 8) if len(s.split()) > n
    ]
    demo: dict[str, Labelled] = {"fr": [], "en": []}
    for review in REVIEWS:
        for wording in [review.claim_text, review.headline, *review.aliases]:
            if not wording:  # a review without a headline
                continue
            lang = review.wording_languages.get(wording, review.language)
            demo.setdefault(lang, []).append((wording, lang))
    for lang in ("fr", "en"):
        sets[f"demo wordings ({lang})"] = demo[lang]
    if args.testdata:
        for kind in sorted(p for p in args.testdata.iterdir() if p.is_dir()):
            for lang in args.languages:
                path = kind / f"{lang}.txt"
                if path.exists():
                    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
                    sets[f"{kind.name} ({lang})"] = [(line, lang) for line in lines]
    return {name: [(clean_text(t), lang) for t, lang in items] for name, items in sets.items() if items}


def other(lang: str) -> str:
    return "fr" if lang == "en" else "en"


def accuracy(detector: Detector, items: Labelled, *, right_hint: bool) -> float:
    good = sum(detector(text, lang if right_hint else other(lang)) == lang for text, lang in items)
    return good / len(items)


def report_accuracy(sets: dict[str, Labelled], detectors: dict[str, Detector]) -> None:
    """A row per set and hint, a column per detector; then the mean of the rows, and the expected accuracy if
    nine texts in ten are in the hint's language (0.9 x right + 0.1 x wrong, averaged over the sets)."""
    names = list(detectors)
    print(f"| texts | n | hint | {' | '.join(names)} |")
    print("|---|---|---|" + "---|" * len(names))
    rows: dict[str, list[float]] = {name: [] for name in names}
    expected: dict[str, list[float]] = {name: [] for name in names}
    for set_name, items in sets.items():
        found = {
            name: (accuracy(detector, items, right_hint=True), accuracy(detector, items, right_hint=False))
            for name, detector in detectors.items()
        }
        for position, hint in enumerate(("right", "wrong")):
            cells = " | ".join(f"{found[name][position]:.3f}" for name in names)
            print(f"| {set_name} | {len(items)} | {hint} | {cells} |", flush=True)
        for name, (right, wrong) in found.items():
            rows[name] += [right, wrong]
            expected[name].append(0.9 * right + 0.1 * wrong)
    for label, values in (("mean of the rows", rows), ("expected, 9 in 10 in the hint's language", expected)):
        print(f"| {label} | | | {' | '.join(f'{sum(v) / len(v):.4f}' for v in values.values())} |")


def sweep_weighings() -> Iterator[tuple[str, Detector]]:
    for langdetect in (0.0, 0.2, 0.3, 0.5, 1.0):
        for prior in (1.0, 2.0, 4.0, 8.0, 16.0):
            weighing = Weighing(fasttext=1.0, langdetect=langdetect, hint_prior=prior)
            yield f"ld {langdetect:g} prior {prior:g}", weighed(weighing)


def search_cost(args: argparse.Namespace, detectors: dict[str, Detector]) -> None:
    from rapidfuzz import fuzz

    import claims.matching.query as query_module
    from claims.matching.config import MatchConfig
    from claims.matching.matcher import Matcher

    claims = load_claims(args.data)
    matcher = Matcher(MatchConfig())
    matcher.add_many((c.claim_id, c.claim_id, c.vclaim, "en") for c in claims)
    asked = [c for c in claims if c.title.strip() and fuzz.token_set_ratio(c.title, c.vclaim) < 100]
    rng = random.Random(args.seed)
    asked = rng.sample(asked, min(args.search_sample, len(asked)))
    given = {"English given": lambda text, hint: "en"}
    print(f"\nheadline -> claim, {len(asked)} headlines searched among {len(claims)} claims (vclaim only)")
    print("| detection | hint | not read as English | recall@1 | MRR@5 |")
    print("|---|---|---|---|---|")
    original = query_module.detect_language
    try:
        for name, detector in {**detectors, **given}.items():
            for hint in ("en", "fr"):
                query_module.detect_language = lambda text, hint=None, _d=detector, **_: _d(
                    text, hint or "en"
                )
                first = reciprocal = misread = 0.0
                for claim in asked:
                    query = query_module.prepare_query(claim.title, lang_hint=hint)
                    misread += query.lang != "en"
                    found = [hit.claim_id for hit in matcher.search(query, limit=5)]
                    if found and found[0] == claim.claim_id:
                        first += 1
                    if claim.claim_id in found:
                        reciprocal += 1 / (found.index(claim.claim_id) + 1)
                n = len(asked)
                print(
                    f"| {name} | {hint} | {misread / n:.3f} | {first / n:.4f} | {reciprocal / n:.4f} |",
                    flush=True,
                )
                if name in given:
                    break
    finally:
        query_module.detect_language = original


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None, help="CheckThat! 2020 directory")
    parser.add_argument("--sample", type=int, default=3000, help="CheckThat! headlines and claims, each")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--testdata", type=Path, help="a directory of <kind>/<lang>.txt labelled texts")
    parser.add_argument("--languages", nargs="+", default=["en", "fr"], help="with --testdata")
    parser.add_argument("--sweep", action="store_true", help="also the weighings around the chosen one")
    parser.add_argument("--search", action="store_true", help="also what detection costs headline search")
    parser.add_argument("--search-sample", type=int, default=3000, help="headlines searched with --search")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.data = args.data or default_data_dir()
    sets = labelled_sets(args)
    detectors: dict[str, Detector] = {
        "langdetect alone (before)": langdetect_alone,
        f"weighed (now: {WEIGHING.langdetect:g}, prior {WEIGHING.hint_prior:g})": weighed(WEIGHING),
    }
    report_accuracy(sets, detectors)
    if args.sweep:
        print()
        report_accuracy(sets, dict(sweep_weighings()))
    if args.search:
        search_cost(args, detectors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
