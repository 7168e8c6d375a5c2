"""Outputs all or nothing: writability checked before computing, sets of files renamed in.

* :func:`check_writable` creates and removes a probe file in the output folder, so an
  unwritable folder (permissions, a read-only file system) is refused with exit code 2
  *before* the computation, not after it (``os.access`` is not enough: it says yes to root
  on a read-only mount).
* :func:`write_files_atomic` writes every file of a set to a temporary file in the target
  folder first and renames them into place only when all were written; on any failure the
  temporary files are removed and no file of the set is replaced.
* :func:`stale_temp_folders` / :func:`remove_stale_temp_folders`: temporary folders are
  named ``PREFIX<pid>-...``; one whose process no longer exists (killed with SIGKILL, the
  only exit no ``finally`` survives) is removed by the next run that uses the prefix.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from certify.errors import InvalidInput


def check_writable(folder: str | Path, target: str | Path | None, option: str) -> None:
    """Refuse (InvalidInput naming ``option``) a folder where no file can be created, or an
    existing ``target`` that cannot be replaced."""
    folder = Path(folder) if str(folder) else Path(".")
    try:
        fd, probe = tempfile.mkstemp(prefix=".certify-probe-", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"{option}: cannot write in the folder {str(folder)!r} "
                           f"({exc.strerror or exc}); nothing was computed") from None
    os.close(fd)
    os.unlink(probe)
    if target is not None and Path(target).exists() and not os.access(target, os.W_OK):
        raise InvalidInput(f"{option}: the file {str(target)!r} exists and is not writable; "
                           "nothing was computed")


def write_files_atomic(folder: str | Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write ``name -> content`` into ``folder``: all files or none."""
    folder = Path(folder)
    temps: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            if Path(name).name != name:
                raise InvalidInput(f"{name!r}: expected a plain file name")
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
            temps.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        written = []
        for name, tmp in temps:
            os.replace(tmp, folder / name)
            written.append(folder / name)
        return written
    finally:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)


_PID = re.compile(r"^(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temp_folders(prefix: str, base: str | Path | None = None) -> list[Path]:
    """Temporary folders ``PREFIX<pid>-*`` of processes that no longer exist."""
    base = Path(base or tempfile.gettempdir())
    out = []
    with contextlib.suppress(OSError):
        for p in base.iterdir():
            if not p.name.startswith(prefix) or not p.is_dir():
                continue
            m = _PID.match(p.name[len(prefix):])
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
                out.append(p)
    return out


def remove_stale_temp_folders(prefix: str, base: str | Path | None = None) -> int:
    """Remove :func:`stale_temp_folders`; the number removed."""
    stale = stale_temp_folders(prefix, base)
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return len(stale)


@contextlib.contextmanager
def temp_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder ``PREFIX<pid>-*`` removed on every exit (exceptions, SIGTERM and
    SIGINT included); stale ones of killed processes are removed first."""
    remove_stale_temp_folders(prefix)
    with tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-") as tmp:
        yield Path(tmp)
