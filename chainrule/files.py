"""Files written whole or not at all, and cache entries read back only when they are whole.

Every file chainrule writes into the cache or the output folder goes through
:func:`atomic_path` (or :func:`atomic_write`, :func:`atomic_copy`, :func:`atomic_move`, which
use it): it is made under a temporary name in the target's folder and renamed into place when
complete, so a reader sees the old file or the new one, never half of one, whatever stops the
writer (an exception, Ctrl-C, or SIGKILL: an out-of-memory kill, a cluster job past its time).
A folder is built in a :func:`scratch_folder` and renamed into place with :func:`place_folder`;
what a medium made in a scratch folder inside its output folder is renamed into it, file by
file, with :func:`install_outputs`. There is no other "temporary file, then rename" in
chainrule: everything that writes a cache or an output goes through these functions.

Temporary names carry their writer: ``.<name>.part-<host>-<pid>-<random><suffix>`` (the suffix
kept, as PyAV and Pillow choose a format by it). A writer that was killed leaves its temporary
behind; :func:`remove_stale` removes those whose process is gone (on this machine: same host name
and process-id namespace) or that are a day old (a process on another machine sharing the
folder).

A cache reads only what it can check: :class:`Record` (size and sha256) is taken when an entry
is written and compared when it is read; a manifest holding the records is written last and
carries the digest of its own content (:func:`seal`, :func:`unseal`), so an entry whose
manifest is missing or does not match is a miss. :func:`check_folder` and
:func:`record_folder` keep a folder of files written by someone else (Manim's TeX cache) in
step with a ledger beside it.

Standard library only: ``manim_adapter`` imports it too.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "whole")
>>> (folder / "a.txt").read_text()
'whole'
>>> Record.of(folder / "a.txt").size
5
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: Marks a temporary name (``.<name>.part-<host>-<pid>-<random><suffix>``).
TAG = "part"
#: A temporary of a process on another machine is left alone until it is this old (seconds).
STALE_AFTER = 24 * 3600.0
#: Bytes read or copied at a time.
CHUNK = 1 << 20
#: Target names longer than this are shortened in their temporary's name (names are at most
#: 255 bytes).
_LONGEST = 120
_TEMPORARY = re.compile(
    rf"^\.?.*\.{TAG}-(?P<host>[0-9a-f]{{8}})-(?P<pid>\d+)-[0-9a-f]{{8}}(\.[A-Za-z0-9]+)?$"
)

Data = bytes | str | Callable[[Path], object]


class Damaged(OSError):
    """A file that is not what its record says (cut short, changed, missing)."""


# ---------------------------------------------------------------------- temporary names


@cache
def _host() -> str:
    """This machine as seen by its processes: its name and its process-id namespace (two
    containers of one name sharing a cache folder do not see each other's processes)."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return hashlib.sha256(f"{socket.gethostname()}\0{namespace}".encode()).hexdigest()[:8]


def temporary_name(name: str, hidden: bool = True) -> str:
    """A fresh temporary name for ``name`` that tells who made it (see :func:`is_stale`);
    ``hidden``: starts with a dot (not for folders LaTeX writes in: kpathsea's
    ``openout_any=p`` refuses dot names).

    >>> temporary_name("video.mp4").endswith(".mp4")
    True
    >>> is_temporary(temporary_name("video.mp4")), is_temporary("video.mp4")
    (True, False)
    """
    suffix = Path(name).suffix
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix):
        suffix = ""
    stem = name if len(name) <= _LONGEST else name[:_LONGEST]
    token = f"{TAG}-{_host()}-{os.getpid()}-{secrets.token_hex(4)}"
    return f"{'.' if hidden else ''}{stem}.{token}{suffix}"


def is_temporary(name: str) -> bool:
    """Whether ``name`` was made by :func:`temporary_name`."""
    return _TEMPORARY.match(name) is not None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def is_stale(path: Path, now: float | None = None) -> bool:
    """Whether ``path`` is a temporary whose writer is gone: a process of this machine that no
    longer runs, or (another machine's) one older than :data:`STALE_AFTER`."""
    found = _TEMPORARY.match(path.name)
    if found is None:
        return False
    if found["host"] == _host():
        return not _alive(int(found["pid"]))
    try:
        age = (time.time() if now is None else now) - path.lstat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER


def remove_stale(folder: Path) -> int:
    """Remove the temporaries of writers that are gone from ``folder`` (not below it);
    returns how many were removed."""
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return 0
    removed = 0
    for path in entries:
        if is_stale(path):
            _remove(path)
            removed += 1
    return removed


def _remove(path: Path) -> None:
    """Remove a file or a folder tree, whatever is there (nothing if nothing is)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def discard(path: Path) -> None:
    """Remove the file or folder ``path``; a folder is renamed aside first, so no reader
    finds half of it."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        aside = path.with_name(temporary_name(path.name))
        try:
            os.rename(path, aside)
        except OSError:
            return  # gone already (or being replaced by someone else)
        path = aside
    _remove(path)


# ---------------------------------------------------------------------- writing


def _fsync(path: Path) -> None:
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


@contextmanager
def atomic_path(target: str | os.PathLike[str], *, durable: bool = True) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed to ``target`` when the block
    ends normally (flushed to disk first when ``durable``), removed when it raises.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as temporary:
    ...     _ = temporary.write_text("done")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('done', ['out.txt'])
    """
    target = Path(target)
    temporary = target.with_name(temporary_name(target.name))
    try:
        yield temporary
        if durable and temporary.is_file():
            _fsync(temporary)
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def atomic_write(
    target: str | os.PathLike[str], data: Data, *, encoding: str = "utf-8", durable: bool = True
) -> None:
    """Write ``data`` (bytes, text, or a function writing the file at the path it is given) to
    ``target`` whole or not at all (:func:`atomic_path`)."""
    with atomic_path(target, durable=durable) as temporary:
        if isinstance(data, bytes):
            temporary.write_bytes(data)
        elif isinstance(data, str):
            temporary.write_text(data, encoding=encoding)
        else:
            data(temporary)
            if not temporary.exists():
                raise FileNotFoundError(errno.ENOENT, "the writer made no file", str(temporary))


def atomic_copy(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    expect: Record | None = None,
    durable: bool = True,
) -> Record:
    """Copy ``source`` to ``target`` whole or not at all; returns the copy's :class:`Record`.
    With ``expect``, a source that does not match it raises :class:`Damaged` and ``target``
    is left as it was."""
    digest, size = hashlib.sha256(), 0
    with atomic_path(target, durable=durable) as temporary:
        with open(source, "rb") as reader, open(temporary, "wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        found = Record(size, digest.hexdigest())
        if expect is not None and found != expect:
            raise Damaged(f"{source} is not what was stored ({found} instead of {expect})")
    return found


def atomic_move(
    source: str | os.PathLike[str], target: str | os.PathLike[str], *, durable: bool = True
) -> None:
    """Move the file ``source`` to ``target`` in one step (a copy through :func:`atomic_copy`
    across file systems, then ``source`` removed)."""
    if durable:
        _fsync(Path(source))
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    atomic_copy(source, target, durable=durable)
    Path(source).unlink(missing_ok=True)


@contextmanager
def scratch_folder(
    parent: str | os.PathLike[str], name: str, hidden: bool = True
) -> Iterator[Path]:
    """A new private folder in ``parent`` named after ``name`` (a temporary name, so a killed
    process's folder is found by :func:`remove_stale`), removed when the block ends."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / temporary_name(name, hidden)
    folder.mkdir()
    try:
        yield folder
    finally:
        _remove(folder)


def place_folder(staging: Path, target: Path, keep: Callable[[Path], bool]) -> bool:
    """Rename the complete folder ``staging`` to ``target``. A folder already at ``target``
    stays when ``keep(target)`` says it is as good (``staging`` is then left to its owner);
    else it is renamed aside and removed. Returns whether ``staging`` was placed."""
    for _ in range(3):
        try:
            os.rename(staging, target)
            return True
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
                raise
        if keep(target):
            return False
        discard(target)
    raise OSError(errno.EEXIST, f"could not put {staging.name} in place", str(target))


def install_outputs(made: Sequence[Path], out: Path) -> list[Path]:
    """Rename each file or folder of ``made`` (made in a :func:`scratch_folder` inside ``out``,
    so on its file system) to the same name in ``out``, in order, replacing what was there: a
    file with :func:`atomic_move`, a folder with :func:`place_folder` (an old folder renamed
    aside first, then removed). Put the main file last. Returns the targets."""
    targets = []
    for source in made:
        target = Path(out) / source.name
        if source.is_dir():
            place_folder(source, target, keep=lambda _: False)
        else:
            atomic_move(source, target)
        targets.append(target)
    return targets


# ---------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Record:
    """What a file held when it was written: its size and sha256."""

    size: int
    sha256: str

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> Record:
        """The record of the file at ``path`` as it is now."""
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as reader:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return cls(size, digest.hexdigest())

    def matches(self, path: str | os.PathLike[str]) -> bool:
        """Whether the file at ``path`` is whole: its size, then its digest, are the ones
        recorded (a missing or unreadable file is not)."""
        try:
            if os.stat(path).st_size != self.size:
                return False
            return Record.of(path) == self
        except OSError:
            return False

    def to_json(self) -> list[Any]:
        return [self.size, self.sha256]

    @classmethod
    def from_json(cls, value: object) -> Record:
        """The record stored as ``[size, sha256]`` (ValueError if it is not one)."""
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], int)
            or not isinstance(value[1], str)
            or not re.fullmatch(r"[0-9a-f]{64}", value[1])
        ):
            raise ValueError(f"not a file record: {value!r}")
        return cls(value[0], value[1])


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def seal(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the digest of its content under ``"sealed"`` (see :func:`unseal`)."""
    content = {key: value for key, value in document.items() if key != "sealed"}
    return {**content, "sealed": hashlib.sha256(_canonical(content)).hexdigest()}


def unseal(document: object) -> dict[str, Any] | None:
    """``document`` without its seal if the seal matches its content, else ``None``.

    >>> unseal(seal({"a": 1})), unseal({**seal({"a": 1}), "a": 2}), unseal({"a": 1})
    ({'a': 1}, None, None)
    """
    if not isinstance(document, dict) or not isinstance(document.get("sealed"), str):
        return None
    content = {key: value for key, value in document.items() if key != "sealed"}
    if hashlib.sha256(_canonical(content)).hexdigest() != document["sealed"]:
        return None
    return content


def _sealed_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def write_sealed_json(target: Path, document: dict[str, Any], *, durable: bool = True) -> None:
    """Write ``document`` sealed (:func:`seal`) as JSON to ``target``, atomically."""
    atomic_write(target, _sealed_text(seal(document)), durable=durable)


def read_sealed_json(path: Path) -> dict[str, Any] | None:
    """The document :func:`write_sealed_json` wrote at ``path``, or ``None`` when it is
    absent, unreadable or not whole: its seal must match its content, and its text must be
    the text it is written as, to the byte (a changed space is a change too)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or _sealed_text(document) != text:
        return None
    return unseal(document)


def records_of(document: dict[str, Any], key: str = "files") -> dict[str, Record] | None:
    """The records under ``key`` of a manifest (``None`` if they are not records)."""
    try:
        return {str(name): Record.from_json(value) for name, value in document[key].items()}
    except (KeyError, AttributeError, ValueError, TypeError):
        return None


# ---------------------------------------------------------------------- folders of others


def check_folder(folder: Path, ledger: Path) -> dict[str, Record]:
    """Keep in ``folder`` (flat) only the files that ``ledger`` (:func:`record_folder`)
    records and that match their record; every other entry (damaged, cut short, never
    recorded because its writer was killed, a leftover) is removed. Returns the records of
    the files kept. Not for a folder another process writes in meanwhile."""
    document = read_sealed_json(ledger)
    recorded = records_of(document) if document is not None else None
    recorded = recorded or {}
    kept: dict[str, Record] = {}
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return kept
    for path in entries:
        record = recorded.get(path.name)
        if record is not None and path.is_file() and record.matches(path):
            kept[path.name] = record
        else:
            _remove(path)
    return kept


def record_folder(
    folder: Path, ledger: Path, kept: dict[str, Record], whole: Callable[[Path], bool]
) -> None:
    """Write ``ledger``: ``kept`` (records :func:`check_folder` returned) and the record of
    every other file now in ``folder`` for which ``whole(path)`` holds; a new file that is not
    whole, or a folder, is removed."""
    records = {}
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        entries = []
    for path in entries:
        if path.name in kept and path.is_file():
            records[path.name] = kept[path.name]
            continue
        try:
            good = path.is_file() and not is_temporary(path.name) and whole(path)
        except Exception:
            good = False
        if good:
            records[path.name] = Record.of(path)
        else:
            _remove(path)
    document = {"files": {name: r.to_json() for name, r in sorted(records.items())}}
    write_sealed_json(ledger, document, durable=False)


def ledger_of(folder: Path) -> Path:
    """Where :func:`check_folder` keeps the records of ``folder``: beside it (``folder``'s
    owner may delete files inside it that it does not know)."""
    return folder.with_name(f"{folder.name}.sums.json")


__all__ = [
    "STALE_AFTER",
    "Damaged",
    "Record",
    "atomic_copy",
    "atomic_move",
    "atomic_path",
    "atomic_write",
    "check_folder",
    "discard",
    "install_outputs",
    "is_stale",
    "is_temporary",
    "ledger_of",
    "place_folder",
    "read_sealed_json",
    "record_folder",
    "records_of",
    "remove_stale",
    "scratch_folder",
    "seal",
    "temporary_name",
    "unseal",
    "write_sealed_json",
]
