"""go.sum files and the ``h1:`` hashes they record.

A go.sum line is ``PATH VERSION HASH``: VERSION alone for the hash of the module zip,
``VERSION/go.mod`` for the hash of its go.mod. A replaced module is recorded under the
replacement's path and version, and a directory replacement gets no line at all
(https://go.dev/ref/mod#go-sum-files).

The ``h1:`` hash is golang.org/x/mod/sumdb/dirhash's Hash1: for every file, sorted by
name, the line ``<hex sha256 of the content>  <name>\\n``; the hash is ``h1:`` plus the
standard base64 of the SHA-256 of those lines. A module zip is hashed over its entry
names as stored, ``path@version/`` prefix included; a go.mod over the single name
``go.mod``.

Reading and writing follow cmd/go/internal/modfetch/fetch.go (readGoSum, tidyGoSum).
Pure: bytes in, values out.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from goalign import semver
from goalign.errors import GoSumError, InputError
from goalign.module import ModuleVersion

__all__ = [
    "EMPTY_GO_MOD_HASH",
    "GO_MOD_SUFFIX",
    "GoSum",
    "hash_files",
    "hash_go_mod",
    "hash_zip",
    "parse",
    "recorded_version",
    "sum_lines",
]

GO_MOD_SUFFIX = "/go.mod"
"""The suffix that marks a go.mod hash in a go.sum version field."""

EMPTY_GO_MOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="
"""The hash of an empty go.mod; an old Go bug wrote it for non-modules, and Go drops it
whenever it reads a go.sum."""

# Go splits a go.sum line with strings.Fields, i.e. at unicode.IsSpace. Python's own
# str.split() also splits at U+001C..U+001F, which Go keeps inside a field.
_PYTHON_ONLY_SPACE = re.compile("[\x1c-\x1f]")
_FIELD_SEP = re.compile("[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

# archive/zip, which Go reads module zips with, knows only these two methods.
_ZIP_STORED = 0
_ZIP_DEFLATED = 8
# General-purpose flag bit 11: the entry name is UTF-8. Without it Python decodes the
# name as CP437, but Go keeps the raw bytes, so the bytes are recovered through CP437.
_ZIP_UTF8_FLAG = 0x800
_ZIP_ENCRYPTED_FLAG = 0x1


def _hash1(files: Iterable[tuple[bytes, bytes]]) -> str:
    """Return dirhash.Hash1 over (name, content) pairs whose names are raw bytes."""
    summary = hashlib.sha256()
    # Go sorts the names with slices.Sort (bytewise); sorting on the name alone keeps
    # the order of equal names as given, as Go's open(name) makes them identical.
    for name, content in sorted(files, key=lambda item: item[0]):
        if b"\n" in name:
            raise InputError(
                f"cannot hash file {name.decode('utf-8', 'replace')!r}: "
                "file names with newlines are not supported"
            )
        digest = hashlib.sha256(content).hexdigest().encode("ascii")
        summary.update(digest + b"  " + name + b"\n")
    return "h1:" + base64.standard_b64encode(summary.digest()).decode("ascii")


def hash_files(files: Iterable[tuple[str, bytes]]) -> str:
    """Return the ``h1:`` hash of files given as (name, content) pairs.

    Names are hashed exactly as given (in UTF-8), so a module's files must carry their
    ``path@version/`` prefix to give the hash go.sum records for the module.

    :raises InputError: a name contains a newline or cannot be encoded as UTF-8.
    """
    encoded: list[tuple[bytes, bytes]] = []
    for name, content in files:
        try:
            encoded.append((name.encode("utf-8"), content))
        except UnicodeEncodeError as err:
            raise InputError(f"cannot hash file {name!r}: name is not valid UTF-8") from err
    return _hash1(encoded)


def hash_go_mod(data: bytes) -> str:
    """Return the ``h1:`` hash of go.mod bytes, as a go.sum ``/go.mod`` line records it.

    >>> hash_go_mod(b"module example.com/hello\\n\\ngo 1.21\\n")
    'h1:NnGvEkTHyKKlgPcQSue0skqyqiS1EfBSAh+0WaWZYmE='
    """
    return _hash1([(b"go.mod", data)])


def hash_zip(data: bytes | BinaryIO, *, name: str = "module zip") -> str:
    """Return the ``h1:`` hash of a module zip, as a go.sum zip line records it.

    Every entry counts, directories included (with empty content), under its name as
    stored; when a name appears twice, both lines hash the last entry's content, as
    dirhash.HashZip does. Only the names and contents matter: compression, times and
    order in the archive do not. ``name`` is used in error messages only.

    :raises InputError: the data is not a zip Go could read (bad structure, a CRC
        mismatch, a compression method other than store and deflate, a directory
        entry with content).
    """
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            raw_names = [_raw_zip_name(info) for info in infos]
            last = dict(zip(raw_names, infos, strict=True))
            contents = {raw: _read_zip_entry(archive, info, name) for raw, info in last.items()}
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        # zipfile's reactions to some damaged headers (a negative seek, an undecodable
        # UTF-8 name, a "version needed" it does not know, flags it does not support).
        ValueError,
        NotImplementedError,
    ) as err:
        raise InputError(f"{name}: not a valid zip file: {err}") from err
    return _hash1((raw, contents[raw]) for raw in raw_names)


def _raw_zip_name(info: zipfile.ZipInfo) -> bytes:
    """Return the entry name as the bytes stored in the archive."""
    if info.flag_bits & _ZIP_UTF8_FLAG:
        return info.orig_filename.encode("utf-8", "surrogateescape")
    return info.orig_filename.encode("cp437")


def _read_zip_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """Return an entry's content, refusing what Go's archive/zip refuses."""
    if info.orig_filename.endswith("/"):
        # archive/zip never decompresses a directory: it is empty, or an error if
        # its uncompressed size says otherwise.
        if info.file_size != 0:
            raise InputError(
                f"{name}: not a valid zip file: directory {info.orig_filename!r} has content"
            )
        return b""
    if info.flag_bits & _ZIP_ENCRYPTED_FLAG:
        raise InputError(f"{name}: entry {info.orig_filename!r} is encrypted")
    if info.compress_type not in (_ZIP_STORED, _ZIP_DEFLATED):
        raise InputError(
            f"{name}: entry {info.orig_filename!r}: unsupported compression algorithm "
            f"{info.compress_type}",
            hint="module zips may only use the store and deflate methods",
        )
    return archive.read(info)


def _sort_key(key: tuple[str, str]) -> tuple[bytes, semver.SortKey, bytes, bytes]:
    """Return the key that orders (path, version field) pairs as x/mod module.Sort.

    module.Sort compares paths bytewise, the part of the version before the first
    ``/`` by semver and the rest as a string. Versions that semver calls equal
    (invalid ones, or ones differing only in build metadata) are left in no set order
    by Go's unstable sort; the raw string settles them here so output is stable.
    """
    path, version = key
    base, slash, rest = version.partition("/")
    return _utf8(path), semver.sort_key(base), _utf8(slash + rest), _utf8(base)


def _utf8(text: str) -> bytes:
    """Return text as the bytes Go holds, undoing the decoding done by :func:`parse`."""
    return text.encode("utf-8", "surrogateescape")


def recorded_version(
    module: ModuleVersion, replacement: ModuleVersion | None = None
) -> ModuleVersion | None:
    """Return the module version go.sum records for ``module``, or None if none.

    A replaced module is recorded under its replacement; a replacement by a
    directory (no version) and a main module (no version) are never recorded.
    """
    target = replacement if replacement is not None else module
    return target if target.version else None


def sum_lines(
    module: ModuleVersion, *, zip_hash: str | None = None, go_mod_hash: str | None = None
) -> Iterator[str]:
    """Yield the go.sum lines (without newline) for one module version's hashes.

    ``module`` is the version go.sum records, i.e. the replacement when there is one
    (see :func:`recorded_version`); a module without a version yields nothing. The
    zip line comes before the ``/go.mod`` line, as Go writes them.
    """
    for path, version, h1 in _module_entries(module, zip_hash, go_mod_hash):
        yield f"{path} {version} {h1}"


def _module_entries(
    module: ModuleVersion, zip_hash: str | None, go_mod_hash: str | None
) -> Iterator[tuple[str, str, str]]:
    """Yield the (path, version field, hash) entries for one module version."""
    if not module.version:
        return
    if zip_hash is not None:
        yield module.path, module.version, zip_hash
    if go_mod_hash is not None:
        yield module.path, module.version + GO_MOD_SUFFIX, go_mod_hash


class GoSum:
    """The hashes of one go.sum, keyed by module path and version field.

    A version field is a plain version (the zip hash) or a version with the
    ``/go.mod`` suffix (the go.mod hash); every method that takes a version accepts
    both. One key may hold several hashes, kept without duplicates in the order added.
    Equality ignores order.
    """

    __slots__ = ("_hashes",)

    def __init__(self, entries: Iterable[tuple[str, str, str]] = ()) -> None:
        self._hashes: dict[tuple[str, str], list[str]] = {}
        for path, version, h in entries:
            self.add(path, version, h)

    def __repr__(self) -> str:
        return f"GoSum({list(self.entries())!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GoSum):
            return NotImplemented
        mine = {k: set(v) for k, v in self._hashes.items()}
        theirs = {k: set(v) for k, v in other._hashes.items()}
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __len__(self) -> int:
        """Return the number of lines :meth:`format` writes."""
        return sum(len(v) for v in self._hashes.values())

    def copy(self) -> GoSum:
        """Return an independent copy."""
        return GoSum(self.entries())

    def add(self, path: str, version: str, h1: str) -> None:
        """Record hash ``h1`` for ``path`` at ``version`` (``/go.mod`` suffix allowed).

        :raises GoSumError: a field is empty or holds whitespace, so that the line
            would not read back as written.
        """
        for field in (path, version, h1):
            if not field or _FIELD_SEP.search(field):
                raise GoSumError(
                    f"invalid go.sum entry {path!r} {version!r} {h1!r}: "
                    "fields must be non-empty and contain no spaces"
                )
        self._add(path, version, h1)

    def _add(self, path: str, version: str, h1: str) -> None:
        hashes = self._hashes.setdefault((path, version), [])
        if h1 not in hashes:
            hashes.append(h1)

    def add_go_mod(self, path: str, version: str, h1: str) -> None:
        """Record ``h1`` as the hash of the go.mod of ``path`` at ``version``."""
        self.add(path, _plain(version) + GO_MOD_SUFFIX, h1)

    def add_module(
        self,
        module: ModuleVersion,
        *,
        zip_hash: str | None = None,
        go_mod_hash: str | None = None,
    ) -> None:
        """Record a module version's hashes; a module without a version is skipped.

        Pass the version go.sum records, the replacement when there is one (see
        :func:`recorded_version`).
        """
        for path, version, h1 in _module_entries(module, zip_hash, go_mod_hash):
            self.add(path, version, h1)

    def remove(self, path: str, version: str) -> None:
        """Drop every hash recorded for ``path`` at ``version`` (suffix allowed)."""
        self._hashes.pop((path, version), None)

    def hashes(self, path: str, version: str) -> tuple[str, ...]:
        """Return the hashes recorded for ``path`` at ``version``, in the order added.

        Use ``version + "/go.mod"`` for the go.mod hashes.
        """
        return tuple(self._hashes.get((path, version), ()))

    def has(self, path: str, version: str, h1: str | None = None) -> bool:
        """Report whether a hash (``h1``, or any) is recorded for ``path`` at ``version``."""
        hashes = self._hashes.get((path, version), [])
        return bool(hashes) if h1 is None else h1 in hashes

    def modules(self) -> list[ModuleVersion]:
        """Return the recorded (path, version field) pairs in the order Go writes them."""
        return [ModuleVersion(p, v) for p, v in sorted(self._hashes, key=_sort_key)]

    def first_hashes(self) -> dict[tuple[str, str], str]:
        """Return (path, version field) -> the hash :meth:`entries` yields first for it,
        without sorting the keys (for lookups, where order does not matter)."""
        return {key: min(hashes, key=_utf8) for key, hashes in self._hashes.items()}

    def entries(self) -> Iterator[tuple[str, str, str]]:
        """Yield (path, version field, hash) in the order Go writes them."""
        for key in sorted(self._hashes, key=_sort_key):
            # tidyGoSum sorts each key's hashes with sort.Strings (bytewise).
            for h in sorted(self._hashes[key], key=_utf8):
                yield key[0], key[1], h

    def format(self) -> bytes:
        """Return the file as cmd/go writes it: sorted, de-duplicated, one line each."""
        return b"".join(_utf8(f"{path} {version} {h}\n") for path, version, h in self.entries())


def _plain(version: str) -> str:
    """Return a version field without its ``/go.mod`` suffix."""
    return version.removesuffix(GO_MOD_SUFFIX)


def parse(data: bytes, path: str = "go.sum", *, lax: bool = False) -> GoSum:
    """Return the hashes in go.sum ``data``; ``path`` names the file in errors.

    Lines are split at ``\\n`` and into fields at whitespace, as Go's readGoSum does:
    blank lines are skipped, and lines holding the empty-go.mod hash are dropped. A
    line without exactly three fields is an error, unless ``lax`` (``go mod tidy``
    ignores such lines so that it can repair the file). Fields are not checked
    further: Go reads any text there.

    :raises GoSumError: ``malformed go.sum:`` and then one
        ``FILE:LINE: wrong number of fields N`` line per bad line. Go stops at the
        first bad line, so with one the message is exactly Go's.
    """
    # surrogateescape keeps bytes that are not UTF-8, so format() writes them back.
    text = data.decode("utf-8", "surrogateescape")
    result = GoSum()
    problems: list[str] = []
    # On ASCII text without \x1c-\x1f (spaces to Python, not to Go) str.split splits
    # exactly where Go does, many times faster than the pattern.
    fast = text.isascii() and not _PYTHON_ONLY_SPACE.search(text)
    for lineno, line in enumerate(text.split("\n"), start=1):
        fields = line.split() if fast else [f for f in _FIELD_SEP.split(line) if f]
        if not fields:
            continue
        if len(fields) != 3:
            if not lax:
                problems.append(f"{path}:{lineno}: wrong number of fields {len(fields)}")
            continue
        if fields[2] == EMPTY_GO_MOD_HASH:
            continue
        result._add(fields[0], fields[1], fields[2])  # split at whitespace: valid fields
    if problems:
        raise GoSumError("malformed go.sum:\n" + "\n".join(problems))
    return result
