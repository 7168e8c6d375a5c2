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

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from certify.errors import InvalidInput
from certify.limits import LIMITS, check, limit
from certify.safejson import check_regular as check_regular
from certify.safejson import decode_text as decode_text
from certify.safejson import json_depth as json_depth
from certify.safejson import load_json as load_json
from certify.safejson import read_bytes as read_bytes
from certify.safejson import read_text as read_text


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
