"""Optional sentence embeddings (`pip install .[semantic]`): paraphrases and translations that share no word.

A local sentence-transformers model directory embeds every wording once, when it is added; a query is embedded
once per search and compared with all of them (a matrix product: fine for tens of thousands of claims, ~0.4 s
per query at a million, where an approximate index would be the next step). The similarities give the re-scoring
a `semantic` feature and bring in claims the lexical index missed. Models are never downloaded here: the
directory must hold the model (HF_HUB_OFFLINE is forced).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claims.matching.index import StoredWording

__all__ = ["Neighbours", "SemanticIndex", "SemanticUnavailable"]

log = logging.getLogger(__name__)

_VECTORS = "vectors.npy"
_IDS = "wording_ids.npy"
_META = "semantic-meta.json"


class SemanticUnavailable(RuntimeError):
    """The semantic extra is not installed, or the model directory cannot be loaded."""


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


def _imports() -> tuple[Any, Any]:
    # Offline before the import: sentence-transformers reads these when it loads, and must never reach a hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import numpy
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SemanticUnavailable(
            "MATCH_SEMANTIC_MODEL is set but sentence-transformers is not installed: pip install '.[semantic]'"
        ) from exc
    return numpy, SentenceTransformer


class SemanticIndex:
    """Normalised embeddings of every wording, kept in memory and saved beside the lexical index."""

    def __init__(self, model_dir: Path, store_dir: Path | None = None, *, batch_size: int = 64) -> None:
        self._np, sentence_transformer = _imports()
        if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
            raise SemanticUnavailable(f"{model_dir} is not a sentence-transformers model directory")
        try:
            self._model = sentence_transformer(str(model_dir), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds; all mean "cannot use this model"
            raise SemanticUnavailable(
                f"cannot load the sentence-transformers model in {model_dir}: {exc}"
            ) from exc
        self._model_name = str(model_dir.resolve())
        self._store = store_dir
        self._batch_size = batch_size
        self._lock = threading.Lock()
        # Renamed in sentence-transformers 6; the old name still works in the 3.x-5.x releases we also accept.
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        if get_dimension is None:
            get_dimension = self._model.get_sentence_embedding_dimension
        dimension = int(get_dimension() or 0)
        self._vectors = self._np.zeros((0, dimension), dtype=self._np.float32)
        self._ids = self._np.zeros(0, dtype=self._np.int64)
        self._rows: dict[int, int] = {}
        if store_dir is not None:
            self._load()

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

    def encode(self, texts: Sequence[str]) -> Any:
        """Unit-length embeddings of `texts` (a float32 matrix, one row per text)."""
        if not texts:
            return self._np.zeros((0, self._vectors.shape[1]), dtype=self._np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return self._np.asarray(vectors, dtype=self._np.float32)

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
        query = self.encode([text])[0]
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

    def similarity(self, first: str, second: str) -> float:
        """Cosine similarity of two texts, clipped to [0, 1]."""
        vectors = self.encode([first, second])
        return max(0.0, min(1.0, float(vectors[0] @ vectors[1])))
