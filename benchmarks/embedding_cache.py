"""Remember a semantic model's embeddings on disk between benchmark runs.

Fitting and evaluating with `--semantic-model` embeds the same 20,750 CheckThat! wordings and 1,000 tweets every
run (and again for each small database `fit_matcher.py` builds): minutes with all-MiniLM-L6-v2, a quarter of an
hour with multilingual-e5-small. `cache_embeddings(model)` makes every index of the process embed through a
cache kept in `.cache/embeddings/` (one file per model; delete it to embed afresh).
"""

from __future__ import annotations

import atexit
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from claims.matching.semantic import Encoder, load_encoder, use_encoder  # noqa: E402

CACHE_DIR = REPO / ".cache" / "embeddings"


class CachedEncoder:
    """`inner`, remembering each (text, query or not) it embedded; saved to `path` at exit."""

    def __init__(self, inner: Encoder, path: Path) -> None:
        import numpy

        self._np = numpy
        self._inner = inner
        self.name, self.family, self.dimension = inner.name, inner.family, inner.dimension
        self._path = path
        self._memo: dict[tuple[bool, str], Any] = {}
        self._added = 0
        if path.is_file():
            with numpy.load(path, allow_pickle=False) as stored:
                for query, text, vector in zip(
                    stored["query"], stored["text"], stored["vectors"], strict=True
                ):
                    self._memo[(bool(query), str(text))] = vector
        atexit.register(self.save)

    def encode(self, texts: Sequence[str], *, query: bool) -> Any:
        missing = list(dict.fromkeys(t for t in texts if (query, t) not in self._memo))
        if missing:
            for text, vector in zip(missing, self._inner.encode(missing, query=query), strict=True):
                self._memo[(query, text)] = vector
            self._added += len(missing)
        return self._np.stack([self._memo[(query, t)] for t in texts]).astype(self._np.float32)

    def save(self) -> None:
        if not self._added:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._memo)
        tmp = self._path.with_suffix(".tmp.npz")
        self._np.savez(
            tmp,
            query=self._np.asarray([q for q, _ in keys], dtype=bool),
            text=self._np.asarray([t for _, t in keys], dtype=str),
            vectors=self._np.stack([self._memo[k] for k in keys]),
        )
        tmp.replace(self._path)
        self._added = 0


def cache_embeddings(model: Path) -> CachedEncoder:
    """Make every index of this process embed with `model` through the on-disk cache."""
    inner = load_encoder(model)
    digest = hashlib.sha256(inner.name.encode()).hexdigest()[:16]
    cached = CachedEncoder(inner, CACHE_DIR / f"{Path(inner.name).name}-{digest}.npz")
    use_encoder(cached)
    return cached
