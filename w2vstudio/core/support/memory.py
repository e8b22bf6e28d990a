"""Memory: what is available, and one checked allocation for every array a file or a flag sizes.

Sizes a file announces are the file's own numbers: what they ask for is refused beyond what the
file's bytes on disk can hold (`MAX_EXPANSION` times them, well beyond what compression makes of
real vectors or text) and beyond the memory available, before anything is allocated."""

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


MAX_EXPANSION = 64  # bytes of content one stored byte of a file may stand for


def size_text(n: float) -> str:
    """Bytes in decimal units for a message, e.g. "160.0 GB"."""
    unit = "bytes"
    for bigger in ("KB", "MB", "GB", "TB"):
        if n < 1000:
            break
        n, unit = n / 1000, bigger
    return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """Bytes from "512M", "2G", "65536" (K, M, G, T: powers of 1024; a trailing B allowed);
    ValueError unless a positive size."""
    body = text.strip().upper().removesuffix("B")
    unit = body[-1:] if body[-1:] in _UNITS else ""
    try:
        value = float(body[: len(body) - len(unit)]) * _UNITS[unit]
    except ValueError:
        value = 0
    if not 1 <= value < 1 << 60:
        raise ValueError(f'"{text}" is not a size in bytes (such as 512M or 2G)')
    return int(value)


def check_available(need: int, what: str, error: type[W2VError] = W2VError) -> None:
    """Refuse, in one line naming `what` (a file or a flag), `need` bytes beyond the memory available."""
    free = available_memory()
    if free is not None and need > free:
        raise error(f"{what}: needs {size_text(need)} of memory, {size_text(free)} is available")


def check_held(need: int, stored: int, what: str, error: type[W2VError] = W2VError) -> None:
    """Refuse `need` bytes of content announced by `stored` bytes of a file (`what`) that cannot
    hold them; then the memory check."""
    if need > MAX_EXPANSION * max(stored, 1) + (1 << 20):
        raise error(f"{what}: announces {size_text(need)} of content in {size_text(stored)} on disk, "
                    "more than the file can hold (a damaged or crafted file?)")
    check_available(need, what, error)


def checked_empty(shape: tuple[int, ...], dtype, what: str, error: type[W2VError] = W2VError,
                  stored: int | None = None) -> np.ndarray:
    """An uninitialised array of `shape`, after the memory check (and, given the `stored` bytes
    of the file that sizes it, `check_held`); a failed allocation is `error` naming `what`, never
    a bare MemoryError."""
    dtype = np.dtype(dtype)
    need = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if stored is None:
        check_available(need, what, error)
    else:
        check_held(need, stored, what, error)
    try:
        return np.empty(shape, dtype=dtype)
    except (MemoryError, ValueError):
        raise error(f"{what}: needs {size_text(need)} of memory, more than is available") from None
