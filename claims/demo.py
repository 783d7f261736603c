"""Demo claims from a French news story (Le HuffPost with AFP, 14 September 2023: Kim Jong-un's visit to Russia).

DEMO DATA: the verdicts below were written for trying the bot, from that one article; they are not real
fact-checks, and every source URL is on example.org. Load them with `python -m claims demo` (`make run` does).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from claims.ratings import Rating
from claims.records import ImportReport, ReviewRecord, SourceRecord

if TYPE_CHECKING:
    from claims.service import ClaimService

PUBLISHER = "Demo Fact Desk (demo data, not a real fact-check)"
ARTICLE = SourceRecord(
    url="https://example.org/demo/huffpost-2023-09-14-poutine-kim-fusils",
    publisher="Le HuffPost / AFP (demo link)",
    title="En Russie, Vladimir Poutine et Kim Jong-un actent leur rapprochement diplomatique avec des fusils",
)
PUBLISHED = datetime(2023, 9, 15, 9, 0, tzinfo=UTC)


def _review(
    slug: str,
    lang: str,
    claim: str,
    rating: Rating,
    textual: str,
    headline: str,
    summary: str,
    aliases: tuple[str, ...] = (),
    claimant: str | None = None,
) -> ReviewRecord:
    return ReviewRecord(
        claim_text=claim,
        rating=rating,
        textual_rating=textual,
        review_url=f"https://example.org/demo/fact-checks/{slug}",
        headline=headline,
        summary=f"{summary} [Demo data]",
        language=lang,
        publisher=PUBLISHER,
        publisher_url="https://example.org/demo/",
        published_at=PUBLISHED,
        claimant=claimant,
        sources=[ARTICLE],
        aliases=list(aliases),
        # Every demo alias is the claim translated into the other language: said, not left to detection
        # (langdetect reads "Rustem Umerov is Ukraine's new defence minister" as German).
        wording_languages={alias: "en" if lang == "fr" else "fr" for alias in aliases},
    )


REVIEWS: tuple[ReviewRecord, ...] = (
    _review(
        "gant-spatial",
        "fr",
        "Poutine a offert à Kim Jong-un un gant de combinaison spatiale qui est allé dans l'espace",
        Rating.TRUE,
        "Vrai",
        "Oui, Poutine a offert à Kim un gant de combinaison spatiale",
        "Le porte-parole du Kremlin, Dmitri Peskov, a indiqué que Vladimir Poutine avait offert à Kim Jong-un "
        "un gant provenant d'une combinaison spatiale ayant voyagé plusieurs fois dans l'espace.",
        aliases=("Putin gave Kim Jong-un a spacesuit glove that has been to space",),
        claimant="Dmitri Peskov",
    ),
    _review(
        "rifles-exchange",
        "en",
        "Putin and Kim Jong-un exchanged rifles as gifts",
        Rating.TRUE,
        "True",
        "Yes, Putin and Kim swapped rifles",
        "According to the Kremlin, Putin gave Kim a top-quality Russian-made carbine and received a "
        "North Korean-made one in return.",
        aliases=("Poutine et Kim Jong-un se sont offert des fusils",),
    ),
    _review(
        "accord-armes",
        "fr",
        "La Russie et la Corée du Nord ont signé un accord de livraison d'armes pendant la visite de Kim Jong-un",
        Rating.UNPROVEN,
        "Non prouvé",
        "Aucun accord d'armement n'a été annoncé officiellement",
        "Washington soupçonne le Kremlin de vouloir se fournir en armes auprès de Pyongyang, mais rien n'a été "
        "communiqué officiellement sur un accord de livraison de matériel militaire.",
        aliases=("Russia and North Korea signed an arms deal during Kim's visit",),
    ),
    _review(
        "kremlin-arms-announcement",
        "en",
        "The Kremlin officially announced a deal to buy weapons from North Korea",
        Rating.FALSE,
        "False",
        "No official arms deal was announced by Moscow",
        "Moscow communicated nothing official about any military equipment deal; only gifts of rifles were "
        "announced.",
    ),
    _review(
        "cosmonaute-nord-coreen",
        "fr",
        "La Russie va envoyer un cosmonaute nord-coréen dans l'espace",
        Rating.MISLEADING,
        "Trompeur",
        "Moscou a seulement envisagé l'idée d'un cosmonaute nord-coréen",
        "Selon les agences de presse russes, Moscou a « envisagé l'idée » d'envoyer un cosmonaute nord-coréen "
        "dans l'espace ; aucune décision n'a été annoncée.",
        aliases=("Russia will send a North Korean cosmonaut into space",),
    ),
    _review(
        "putin-visit-pyongyang",
        "en",
        "Putin will visit Pyongyang",
        Rating.MOSTLY_TRUE,
        "Mostly true",
        "Putin accepted an invitation to North Korea, no date set",
        "Putin accepted Kim's invitation 'with pleasure'; North Korean media said the visit would take place "
        "'when convenient', with no date announced.",
        aliases=("Poutine va se rendre en Corée du Nord",),
    ),
    _review(
        "satellites",
        "fr",
        "La Russie va construire des satellites pour la Corée du Nord",
        Rating.MISLEADING,
        "Trompeur",
        "Poutine a évoqué une possibilité, pas un engagement",
        "À Vostotchny, Vladimir Poutine a évoqué la possibilité que la Russie aide Pyongyang à construire des "
        "satellites ; il ne s'agit pas d'un engagement.",
        aliases=("Russia will build satellites for North Korea",),
    ),
    _review(
        "meeting-moscow",
        "en",
        "Putin and Kim Jong-un met in Moscow",
        Rating.FALSE,
        "False",
        "The meeting took place at the Vostochny cosmodrome, not Moscow",
        "The two leaders met on Wednesday at Vostochny in Russia's Far East; Moscow was not the venue.",
        aliases=("Poutine et Kim Jong-un se sont rencontrés à Moscou",),
    ),
    _review(
        "vladivostok-premiere",
        "fr",
        "Kim Jong-un se rend à Vladivostok pour la première fois",
        Rating.FALSE,
        "Faux",
        "Kim Jong-un était déjà allé à Vladivostok en 2019",
        "Le dirigeant nord-coréen s'était déjà rendu à Vladivostok en 2019.",
        aliases=("Kim Jong-un is visiting Vladivostok for the first time",),
    ),
    _review(
        "priority",
        "en",
        "Kim Jong-un said relations with Russia are North Korea's top foreign policy priority",
        Rating.TRUE,
        "True",
        "Kim called ties with Russia the 'absolute priority'",
        "Kim assured Putin that the rapprochement was the 'absolute priority' of North Korea's foreign policy.",
        aliases=("Kim Jong-un a dit que la Russie était la priorité absolue de la Corée du Nord",),
        claimant="Kim Jong-un",
    ),
    _review(
        "grande-victoire",
        "fr",
        "Kim Jong-un a prédit une grande victoire de la Russie en Ukraine",
        Rating.TRUE,
        "Vrai",
        "Kim Jong-un a bien évoqué une future « grande victoire »",
        "Le dirigeant nord-coréen a évoqué une future « grande victoire » sur le terrain militaire pour la "
        "Russie en Ukraine.",
        aliases=("Kim Jong-un predicted a great victory for Russia in Ukraine",),
        claimant="Kim Jong-un",
    ),
    _review(
        "oumerov",
        "fr",
        "Roustem Oumerov est le nouveau ministre ukrainien de la Défense",
        Rating.TRUE,
        "Vrai",
        "Roustem Oumerov a bien été nommé ministre de la Défense",
        "La nomination de Roustem Oumerov à la tête du ministère ukrainien de la Défense a été annoncée en "
        "septembre 2023.",
        aliases=("Rustem Umerov is Ukraine's new defence minister",),
    ),
    _review(
        "devil-pact",
        "en",
        "South Korea's ruling party leader called the Putin-Kim meeting a 'devil's pact'",
        Rating.TRUE,
        "True",
        "Yes, the 'devil's pact' remark came from Seoul's ruling party leader",
        "The head of South Korea's ruling party described the new entente between Moscow and Pyongyang as a "
        "'devil's pact'.",
        aliases=("Le chef du parti au pouvoir en Corée du Sud a parlé de pacte du diable",),
    ),
    _review(
        "usines-komsomolsk",
        "fr",
        "Kim Jong-un a visité des usines d'avions militaires à Komsomolsk-sur-l'Amour",
        Rating.UNPROVEN,
        "Non vérifié",
        "La visite était annoncée, pas encore confirmée",
        "Le 14 septembre, les informations disponibles indiquaient seulement que Kim Jong-un devait se rendre "
        "à Komsomolsk-sur-l'Amour pour visiter des usines aéronautiques « civiles et militaires ».",
        aliases=("Kim Jong-un toured military aircraft factories in Komsomolsk-on-Amur",),
    ),
)

# Claims people asked about that nobody has checked yet, so reviewers have a queue to try.
PENDING: tuple[ReviewRecord, ...] = (
    ReviewRecord(
        claim_text="Kim Jong-un a offert un char d'assaut à Vladimir Poutine",
        language="fr",
        status="pending",
        ask_count=3,
    ),
    ReviewRecord(
        claim_text="North Korea will send troops to fight in Ukraine",
        language="en",
        status="pending",
        ask_count=2,
    ),
    ReviewRecord(
        claim_text="Kim Jong-un a voyagé en Russie dans un train blindé",
        language="fr",
        status="pending",
        ask_count=1,
    ),
)


def load_demo(service: ClaimService) -> ImportReport:
    """Import the demo claims (idempotent: reviews update by URL; pending demo claims only into an empty store)."""
    empty = sum(service.stats().claims_by_status.values()) == 0
    records = [*REVIEWS, *(PENDING if empty else ())]
    return service.import_records(records)
