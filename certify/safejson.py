"""Reading a certificate file safely: regular files only, UTF-8, JSON of bounded depth.

The part of :mod:`certify.safeio` that loading a certificate uses (the trusted base,
``docs/trust.md``): these functions can refuse a file, never change what it says.
:mod:`certify.safeio` re-exports them next to its YAML and NPZ readers.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import numpy as np

from certify.errors import InvalidInput, UnsafeInput
from certify.limits import check, limit


def check_regular(path: str | Path, what: str = "input") -> Path:
    """``path`` if it names a regular file (or nothing, or a folder: the caller says what
    is wrong then); a FIFO, socket or device raises :class:`UnsafeInput`."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return p
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise UnsafeInput(f"{what} {str(p)!r} is {kind}; certify reads only regular files")
    return p


def read_bytes(path: str | Path, what: str = "input", error: type[InvalidInput] = InvalidInput
               ) -> bytes:
    """The bytes of a regular file of at most ``CERTIFY_MAX_FILE_BYTES``."""
    p = check_regular(path, what)
    try:
        check("file_bytes", p.stat().st_size, f"{what} {str(p)!r}")
        with p.open("rb") as fh:
            data = fh.read(int(limit("file_bytes")) + 1)
    except IsADirectoryError:
        raise error(f"{what} {str(p)!r} is a folder; expected a file") from None
    except OSError as exc:
        raise error(f"{what} {str(p)!r}: cannot read the file ({exc.strerror or exc})") from None
    check("file_bytes", len(data), f"{what} {str(p)!r}")
    return data


def decode_text(data: bytes, where: str, error: type[InvalidInput] = InvalidInput) -> str:
    """UTF-8 text (an optional byte-order mark removed); other encodings are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(f"{where}: the file is UTF-16 text; certify reads UTF-8 (convert it, e.g. "
                    "`iconv -f UTF-16 -t UTF-8`)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                    f"{exc.start}); save the file as UTF-8") from None


def read_text(path: str | Path, what: str = "input", error: type[InvalidInput] = InvalidInput
              ) -> str:
    """The UTF-8 text of a regular file (see :func:`read_bytes`, :func:`decode_text`)."""
    return decode_text(read_bytes(path, what, error), f"{what} {str(path)!r}", error)


# ----------------------------------------------------------------------------- JSON
_BRACKETS = np.zeros(256, dtype=np.int8)
_BRACKETS[[ord("["), ord("{")]] = 1
_BRACKETS[[ord("]"), ord("}")]] = -1


def json_depth(text: str) -> int:
    """The largest bracket nesting of a JSON text, strings excluded (linear, vectorised)."""
    raw = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    if raw.size == 0:
        return 0
    quote = raw == ord('"')
    if quote.any():
        # a quote is escaped when an odd number of backslashes precede it
        back = raw == ord("\\")
        idx = np.flatnonzero(quote)
        escaped = np.zeros(idx.size, dtype=bool)
        if back.any():
            # length of the run of backslashes ending just before each quote
            run = np.zeros(raw.size + 1, dtype=np.int64)
            pos = np.arange(1, raw.size + 1)
            last_non = np.maximum.accumulate(np.where(back, 0, pos))
            run[1:] = pos - last_non
            escaped = (run[idx] % 2) == 1
        real = idx[~escaped]
        inside = np.zeros(raw.size + 1, dtype=np.int64)
        np.add.at(inside, real, 1)
        in_string = (np.cumsum(inside)[:-1] % 2) == 1  # inside or on an opening quote
        delta = np.where(in_string, 0, _BRACKETS[raw])
    else:
        delta = _BRACKETS[raw]
    depth = np.cumsum(delta, dtype=np.int64)
    return int(depth.max(initial=0))


def load_json(text: str, where: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse JSON after checking its nesting depth; errors are one line naming ``where``."""
    check("depth", json_depth(text), where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{where}: malformed JSON at line {exc.lineno}, column {exc.colno}: "
                    f"{exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        raise error(f"{where}: cannot read the JSON ({exc})") from None
