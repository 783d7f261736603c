"""Stop words per language, accent-folded and lowercased like the tokens they are compared with.

English and French are the bot's languages and get full lists (Snowball's, plus the filler words of social
media posts). French also drops what English drops besides Snowball's list: the near future's "va"/"vont" (as
"will"), the modals "peut"/"doit"/"pourrait" (as "may", "must", "could") and "dit" (as "said"). Kept, "va"
was a word that "La Russie va construire des satellites pour la Corée du Nord" and "La Corée du Nord va livrer
des obus à la Russie" shared beyond their names, and the first answered the second. Two of Snowball's French
forms of "être" and "avoir" are left out as nouns far more common in news than as verbs: "avions" (planes:
"usines d'avions militaires" lost its aircraft) and "sommes" (sums). A few other common
languages get Snowball's core list so a Spanish or German text is not dominated by its articles. Lists are
folded at import so "été" and "ete" are the same stop word.
"""

from __future__ import annotations

import hashlib
import unicodedata

__all__ = ["STOP_WORDS_DIGEST", "STOP_WORD_LANGUAGES", "stop_words"]

_EN = """
a about above after again against all am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's
her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought
our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some such
than that that's the their theirs them themselves then there there's these they they'd they'll
they're they've this those through to too under until up very was wasn't we we'd we'll we're we've
were weren't what what's when when's where where's which while who who's whom why why's with won't
would wouldn't you you'd you'll you're you've your yours yourself yourselves s t d ll m re ve don
isn aren wasn weren hasn haven hadn doesn didn won wouldn shouldn couldn mustn also just now yet
still even ever really would will shall may might must via amp rt lol omg pls please get got gets go
goes going gone says say said like one two
"""

_FR = """
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous c d j l à m n s t y été étée étées étés étant étante étants étantes suis es est
êtes sont serai seras sera serons serez seront serais serait serions seriez seraient étais
était étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût
fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai
auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait aviez
avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez
eussent ceci cela celà cet cette ici ils les leurs quel quels quelle quelles sans soi alors aussi
autre autres bien car comme comment donc dont encore fait faire faut ont peu plus quand quoi si tout
tous toute toutes très trop déjà là où ça cest qu'il qu'elle c'est n'est
va vais vas vont allons allez allait allaient aller peut peux peuvent pourra pourront pourrait
pourraient doit doivent devra devront devrait devraient dit dire disent svp stp mdr ptdr
"""

_ES = """
de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí
porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos
uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él
tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú
te ti tu tus ellas es son fue ha han era
"""

_DE = """
aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der
des dich die dir doch du durch ein eine einem einen einer eines er es für hat hatte ich ihm ihn ihr
im in ist ja kann mein mich mir mit nach nicht noch nur ob oder ohne sein sich sie sind so über um
und uns unser von vor war waren was wie wir wird wo zu zum zur
"""

_PT = """
a o que de e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem
à seu sua ou ser quando muito há nos já está eu também só pelo pela até isso ela entre era depois
sem mesmo aos ter seus quem nas me esse eles estão você tinha foram essa num nem suas meu às minha
têm numa pelos elas
"""

_IT = """
ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla dalle di del
dello dei degli dell degl della delle in nel nello nei negli nell negl nella nelle su sul sullo sui
sugli sull sugl sulla sulle per tra contro io tu lui lei noi voi loro mio mia miei mie tuo tua suo
sua il lo la i gli le un uno una ma ed se perché anche come dov dove che chi cui non più quale
quanto quanti quanta quante quello quelli questo e è sono era fu ha hanno
"""


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _parse(block: str) -> frozenset[str]:
    words: set[str] = set()
    for word in block.split():
        folded = _fold(word)
        words.add(folded)
        # Tokenisation splits on apostrophes, so "don't" must also be known as its parts' leftover ("don").
        words.update(part for part in folded.replace("’", "'").split("'") if part)
    return frozenset(words)


_LISTS: dict[str, frozenset[str]] = {
    "en": _parse(_EN),
    "fr": _parse(_FR),
    "es": _parse(_ES),
    "de": _parse(_DE),
    "pt": _parse(_PT),
    "it": _parse(_IT),
}
_NONE: frozenset[str] = frozenset()
# ISO 639-1 codes of the languages with a stop-word list.
STOP_WORD_LANGUAGES = frozenset(_LISTS)
# What the lists hold, in short: a persisted index records it, and one written with other lists (whose terms
# keep words these drop, or the reverse) is rebuilt rather than matched against.
STOP_WORDS_DIGEST = hashlib.sha256(
    "\n".join(f"{lang}:{' '.join(sorted(words))}" for lang, words in sorted(_LISTS.items())).encode()
).hexdigest()[:16]


def stop_words(lang: str) -> frozenset[str]:
    """The folded stop words of `lang` (ISO 639-1), empty for a language without a list."""
    return _LISTS.get(lang, _NONE)
