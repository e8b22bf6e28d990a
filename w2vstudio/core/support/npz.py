"""Read `.npy` arrays from a `.npz` (zip) archive without trusting it.

An `NpzReader` lists the archive's members, reads each member's `.npy` header before any of its
data, refuses object (pickled) dtypes, and inflates exactly the bytes the header announces, after
the caller has checked the announced dtype and shape (`header`) against what its format allows.
No pickle is ever loaded; a decompression bomb is never inflated beyond the size its caller allows.
Every failure is a `FormatError` of one line naming the file and the member.
"""

from __future__ import annotations

import math
import zipfile
import zlib

import numpy as np

from w2vstudio.core.errors import FormatError
from w2vstudio.core.support.opener import open_regular

ZIP_MAGIC = b"PK\x03\x04"
_MAX_HEADER = 1 << 16  # bytes of a .npy header's dict
_MAX_MEMBERS = 1024
_READ = 1 << 20  # bytes inflated at a time
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


class NpzReader:
    """The arrays of a `.npz` file, each read only when asked for (use it as a context manager)."""

    def __init__(self, path, fh=None, kind: str = "w2vstudio file"):
        self.path = path
        self._fh = open_regular(path, FormatError) if fh is None else fh
        try:
            self._zip = zipfile.ZipFile(self._fh)
            infos = self._zip.infolist()
        except _ZIP_ERRORS as exc:
            self._fh.close()
            raise FormatError(f"{path} is not a readable {kind}: a damaged zip file ({_detail(exc)})") from None
        names = [i.filename for i in infos]
        if len(infos) > _MAX_MEMBERS:
            self.close()
            raise FormatError(f"{path} holds {len(infos):,} files: too many for a {kind}")
        if len(set(names)) != len(names):
            self.close()
            raise FormatError(f"{path} holds two files of the same name")
        self.members = {n[: -len(".npy")] if n.endswith(".npy") else n: i for n, i in zip(names, infos)}

    def close(self) -> None:
        try:
            self._zip.close()
        finally:
            self._fh.close()

    def __enter__(self) -> NpzReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def header(self, name: str) -> tuple[np.dtype, tuple[int, ...]]:
        """The dtype and shape member `name` announces (only its header is inflated)."""
        with self._open(name) as f:
            return self._header(f, name)[:2]

    def read(self, name: str, max_bytes: int) -> np.ndarray:
        """Member `name` as an array; refused unless it announces at most `max_bytes` of data."""
        with self._open(name) as f:
            dtype, shape, fortran, offset = self._header(f, name)
            size = math.prod(shape) * dtype.itemsize
            if size > max_bytes:
                self._fail(name, f"announces {size:,} bytes, more than the {max_bytes:,} its file allows")
            if self.members[name].file_size != offset + size:
                self._fail(name, f"holds {self.members[name].file_size - offset:,} bytes of data, "
                                 f"not the {size:,} its header announces")
            try:
                array = np.empty(shape[::-1] if fortran else shape, dtype)
            except MemoryError:
                self._fail(name, f"needs {size:,} bytes of memory, more than this computer can give")
            flat = memoryview(array.reshape(-1).view(np.uint8)) if size else memoryview(b"")
            done = 0
            while done < size:
                got = self._call(name, f.readinto, flat[done : done + _READ])
                if not got:
                    self._fail(name, f"ends after {done:,} of {size:,} bytes")
                done += got
        return array.T if fortran else array

    def _open(self, name: str):
        try:
            return self._zip.open(self.members[name])
        except _ZIP_ERRORS as exc:
            self._fail(name, f"cannot be read ({_detail(exc)})")

    def _header(self, f, name: str) -> tuple[np.dtype, tuple[int, ...], bool, int]:
        """dtype, shape, Fortran order, and the bytes before the data."""
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f, max_header_size=_MAX_HEADER)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f, max_header_size=_MAX_HEADER)
            else:
                self._fail(name, f"is a .npy file of version {version[0]}.{version[1]}, which is not read here")
        except FormatError:
            raise
        except (*_ZIP_ERRORS, SyntaxError, TypeError, KeyError) as exc:
            self._fail(name, f"is not a valid .npy array ({_detail(exc)})")
        if dtype.hasobject:
            self._fail(name, "holds pickled Python objects, which w2vstudio never loads (they can run code)")
        offset = self._call(name, f.tell)
        return dtype, tuple(shape), fortran, offset

    def _call(self, name: str, method, *args):
        try:
            return method(*args)
        except _ZIP_ERRORS as exc:
            self._fail(name, f"cannot be read ({_detail(exc)})")

    def _fail(self, name: str, message: str):
        raise FormatError(f"{self.path}: its member {name!r} {message}")


def _detail(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
