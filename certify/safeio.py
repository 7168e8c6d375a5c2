"""Reading untrusted input files: regular files only, UTF-8, bounded YAML/JSON/NPZ.

Every reader here checks the limits of :mod:`certify.limits` before it allocates what the
input asks for:

* only regular files are read (a FIFO would block forever, a device never ends), at most
  ``CERTIFY_MAX_FILE_BYTES`` of them;
* text must be UTF-8 (a UTF-8 byte-order mark is allowed); UTF-16 and other encodings are
  refused with a message saying so;
* YAML is composed by a safe loader that counts aliases and nesting depth while it reads,
  refuses recursive aliases, and computes the size the document has once its aliases are
  expanded (a 16 KB "billion laughs" document expands to ~10^9 values) before
  constructing any Python object;
* JSON's nesting depth is measured on the raw text before it is parsed;
* NPZ arrays are sized from their ``.npy`` headers (shape x item size) before any is
  decompressed, and object, string, boolean and complex arrays are refused.
"""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from certify.errors import InvalidInput, UnsafeInput
from certify.limits import LIMITS, check, limit


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


# ----------------------------------------------------------------------------- YAML
class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting aliases and nesting depth while it composes."""

    def __init__(self, stream: str, where: str):
        super().__init__(stream)
        self.where = where
        self.depth = 0
        self.aliases = 0
        self.max_depth = limit("depth")
        self.max_aliases = limit("aliases")

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                check("aliases", self.aliases, self.where)
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                check("depth", self.depth, self.where)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    return []


def expanded_size(root: yaml.Node, where: str) -> int:
    """The number of nodes of the document once every alias is expanded (iterative; a
    recursive alias raises :class:`InvalidInput`)."""
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size:
            continue
        kids = _children(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            continue
        if key in open_:
            raise InvalidInput(f"{where}: a YAML alias refers to a node that contains it "
                               "(a recursive document); expand it by hand")
        open_.add(key)
        stack.append((node, True))
        for k in kids:
            if id(k) in open_:
                raise InvalidInput(f"{where}: a YAML alias refers to a node that contains it "
                                   "(a recursive document); expand it by hand")
            if id(k) not in size:
                stack.append((k, False))
    return size[id(root)]


def load_yaml_node(text: str, where: str, error: type[InvalidInput] = InvalidInput
                   ) -> tuple[Any, yaml.Node | None]:
    """(data, root node) of a YAML text, within the depth, alias and size limits; the node
    keeps the line numbers.  An empty document is ``(None, None)``."""
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text, where)  # reads the stream: may raise a ReaderError
        node = loader.get_single_node()
        if node is None:
            return None, None
        check("entries", expanded_size(node, where), where)
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = (f":{mark.line + 1}: malformed YAML at line {mark.line + 1}, column "
              f"{mark.column + 1}" if mark else ": malformed YAML")
        raise error(f"{where}{at}: {getattr(exc, 'problem', None) or exc}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        if isinstance(exc, InvalidInput):
            raise
        raise error(f"{where}: cannot read the YAML ({exc})") from None
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml(text: str, where: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """The data of a YAML text (see :func:`load_yaml_node`)."""
    return load_yaml_node(text, where, error)[0]


def load_structured(path: str | Path, what: str = "input", error: type[InvalidInput] = InvalidInput
                    ) -> Any:
    """A YAML or JSON file (by its suffix: ``.json`` is JSON, anything else YAML)."""
    text = read_text(path, what, error)
    where = str(path)
    if Path(path).suffix.lower() == ".json":
        return load_json(text, where, error)
    return load_yaml(text, where, error)


# ----------------------------------------------------------------------------- NPZ
def check_npz(path: str | Path, what: str = "NPZ file", error: type[InvalidInput] = InvalidInput,
              text_arrays: frozenset[str] = frozenset()) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Read the ``.npy`` headers of an NPZ file without decompressing the arrays; refuse
    files whose arrays, expanded, exceed ``CERTIFY_MAX_NPZ_BYTES`` (or hold more than
    ``CERTIFY_MAX_ENTRIES`` values), and arrays of objects, strings, booleans or complex
    numbers (except the arrays named in ``text_arrays``, which may hold one short string,
    such as an MDP's ``layout``).  Returns name -> (shape, dtype)."""
    p = check_regular(path, what)
    where = f"{what} {str(p)!r}"
    if p.is_dir():
        raise error(f"{where} is a folder; expected an NPZ file")
    check("npz_bytes", p.stat().st_size, where)
    out: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    total = 0
    try:
        with zipfile.ZipFile(p) as zf:
            for info in zf.infolist():
                name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                with zf.open(info) as fh:
                    version = np.lib.format.read_magic(fh)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                    elif version == (2, 0):
                        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                    else:
                        raise error(f"{where}: array {name!r} has .npy format version "
                                    f"{version}; expected 1.0 or 2.0")
                is_text = (name in text_arrays and dtype.kind == "U" and tuple(shape) == ()
                           and dtype.itemsize <= 4 * 64)
                if not is_text and (dtype.hasobject or dtype.kind not in "iuf"):
                    kind = {"c": "complex numbers", "b": "booleans", "U": "strings",
                            "S": "bytes", "O": "Python objects"}.get(dtype.kind, str(dtype))
                    raise error(f"{where}: array {name!r} holds {kind} (dtype {dtype}); "
                                "expected real numbers (integers or floats)"
                                + ("; write a complex matrix as the real block [[Re, -Im], "
                                   "[Im, Re]]" if dtype.kind == "c" else ""))
                count = 1
                for n in shape:
                    count *= int(n)
                check("entries", count, f"{where}: array {name!r}")
                total += count * dtype.itemsize
                check("npz_bytes", total, where)
                out[name] = (tuple(int(n) for n in shape), dtype)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise error(f"{where}: not a readable NPZ file ({type(exc).__name__}: {exc})") from None
    return out


def limits_table() -> list[tuple[str, float, str]]:
    """(environment variable, value in force, what it bounds) for every limit."""
    return [(lim.env, lim.value(), lim.what) for lim in LIMITS.values()]
