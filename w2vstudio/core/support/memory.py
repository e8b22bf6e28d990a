"""Memory: what is available, and one checked allocation for every array a file or a flag sizes."""

from __future__ import annotations

import numpy as np
import psutil

from w2vstudio.core.errors import W2VError


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (psutil: Linux, macOS, Windows), None if unknown."""
    try:
        return int(psutil.virtual_memory().available)
    except (OSError, RuntimeError, AttributeError):
        return None


def size_text(n: float) -> str:
    """Bytes in decimal units for a message, e.g. "160.0 GB"."""
    unit = "bytes"
    for bigger in ("KB", "MB", "GB", "TB"):
        if n < 1000:
            break
        n, unit = n / 1000, bigger
    return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"


def check_available(need: int, what: str, error: type[W2VError] = W2VError) -> None:
    """Refuse, in one line naming `what` (a file or a flag), `need` bytes beyond the memory available."""
    free = available_memory()
    if free is not None and need > free:
        raise error(f"{what}: needs {size_text(need)} of memory, {size_text(free)} is available")


def checked_empty(shape: tuple[int, ...], dtype, what: str, error: type[W2VError] = W2VError) -> np.ndarray:
    """An uninitialised array of `shape`, after the memory check; a failed allocation is `error`
    naming `what`, never a bare MemoryError."""
    dtype = np.dtype(dtype)
    need = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    check_available(need, what, error)
    try:
        return np.empty(shape, dtype=dtype)
    except (MemoryError, ValueError):
        raise error(f"{what}: needs {size_text(need)} of memory, more than is available") from None
