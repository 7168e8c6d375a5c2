"""Every public function and class of ``certify`` has a numpydoc docstring that documents
exactly its parameters (in the manner of python-control's ``test_docstrings.py``).

The public API is what ``certify/__init__.py`` re-exports, eagerly or through ``_LAZY``.
For a function, the names in its ``Parameters`` section must be exactly the names of
``inspect.signature`` (``*args`` / ``**kwargs`` written with their stars).  For a class,
every constructor parameter must be documented under ``Parameters`` or ``Attributes``
(dataclasses document their fields as attributes), and ``Parameters`` may name nothing
else.  Exceptions and enumerations need a docstring only.  The section parser is small
and local (numpydoc is not a dependency).
"""

from __future__ import annotations

import enum
import inspect
import re
from pathlib import Path

import pytest

import certify

_HEADER = re.compile(r"^(?P<title>[A-Z][A-Za-z ]*)\n-{3,}$", re.MULTILINE)
_ENTRY = re.compile(r"^(?P<names>\*{0,2}[A-Za-z_][\w]*(?:\s*,\s*\*{0,2}[A-Za-z_][\w]*)*)\s*(?::.*)?$")


def public_api() -> dict[str, object]:
    """Every function and class that ``certify`` re-exports, by its public name."""
    names = {n for n, v in vars(certify).items()
             if not n.startswith("_") and (inspect.isclass(v) or inspect.isroutine(v)
                                           or hasattr(v, "__wrapped__"))}
    names |= {n for n in certify._LAZY}
    out: dict[str, object] = {}
    for n in sorted(names):
        obj = getattr(certify, n)
        if inspect.isclass(obj) or callable(obj) and not isinstance(obj, dict):
            out[n] = obj
    return out


def sections(doc: str) -> dict[str, list[str]]:
    """Map each numpydoc section title of ``doc`` to its lines (the summary is '')."""
    doc = inspect.cleandoc(doc)
    found: dict[str, list[str]] = {}
    marks = list(_HEADER.finditer(doc))
    found[""] = doc[: marks[0].start()].splitlines() if marks else doc.splitlines()
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(doc)
        found[m.group("title").strip()] = doc[m.end():end].strip("\n").splitlines()
    return found


def documented(lines: list[str]) -> list[str]:
    """Names of the entries of a Parameters / Attributes section (unindented lines)."""
    names: list[str] = []
    for line in lines:
        if not line.strip() or line[0].isspace():
            continue
        m = _ENTRY.match(line.rstrip())
        assert m, f"malformed entry line {line!r} (expected 'name : type')"
        names += [s.strip() for s in m.group("names").split(",")]
    return names


def signature_names(obj) -> list[str]:
    out = []
    for p in inspect.signature(obj).parameters.values():
        if p.name in ("self", "cls") or p.name.startswith("_"):
            continue
        star = {inspect.Parameter.VAR_POSITIONAL: "*",
                inspect.Parameter.VAR_KEYWORD: "**"}.get(p.kind, "")
        out.append(star + p.name)
    return out


API = public_api()


def test_api_is_large_enough() -> None:
    """The collection itself works: both the eager and the lazy names are found."""
    assert "analyze_qlearning" in API and "analyze_jsr" in API and "FiniteMDP" in API
    assert len(API) >= 70


@pytest.mark.parametrize("name", sorted(API))
def test_numpydoc_parameters(name: str) -> None:
    obj = inspect.unwrap(API[name])
    doc = obj.__doc__
    assert doc and doc.strip(), f"{name} has no docstring"
    secs = sections(doc)
    assert any(line.strip() for line in secs[""]), f"{name}: no summary line"
    if inspect.isclass(obj) and issubclass(obj, (BaseException, enum.Enum)):
        return
    params = documented(secs.get("Parameters", []))
    assert len(params) == len(set(params)), f"{name}: a parameter is documented twice: {params}"
    want = signature_names(obj)
    if inspect.isclass(obj):
        attrs = documented(secs.get("Attributes", []))
        missing = [p for p in want if p not in params and p not in attrs]
        extra = [p for p in params if p not in want]
        assert not missing, f"{name}: constructor parameters not documented: {missing}"
        assert not extra, f"{name}: Parameters names non-parameters: {extra}"
    else:
        assert "Parameters" in secs or not want, f"{name}: no Parameters section for {want}"
        assert set(params) == set(want), (
            f"{name}: undocumented {sorted(set(want) - set(params))}, "
            f"not parameters {sorted(set(params) - set(want))}")


def test_parser_on_a_known_docstring() -> None:
    """The parser reads a hand-written numpydoc docstring as numpydoc would."""
    doc = """Summary.

    Parameters
    ----------
    a, b : int
        Two numbers.
    **kwargs
        Passed on.

    Returns
    -------
    int
    """
    secs = sections(doc)
    assert documented(secs["Parameters"]) == ["a", "b", "**kwargs"]
    assert secs["Returns"] == ["int"]


EXAMPLED = ("analyze_qlearning", "selection_jsr", "analyze_jsr", "FiniteMDP", "load_problem", "soft_optimal",
            "row_sum_rate", "analyze_smooth", "analyze_ntk", "analyze_sa")


@pytest.mark.parametrize("name", EXAMPLED)
def test_entry_point_has_doctest_example(name: str) -> None:
    """The main entry points carry ``>>>`` examples (run by ``--doctest-modules``)."""
    secs = sections(inspect.unwrap(API[name]).__doc__)
    assert any(line.lstrip().startswith(">>>") for line in secs.get("Examples", [])), name


ROOT = Path(__file__).resolve().parent.parent
_SEED_CITE = re.compile(r"[Ss]eed (00\d),? \(?(Theorems?|Lemmas?|Assumption|Section|Sec\.|Appendix) "
                        r"([0-9A-Z][0-9.\-]*[0-9A-Z])")
_THEORY_CITE = re.compile(r"theory\.md,? section (\d)")


def _code_texts() -> list[tuple[str, str]]:
    return [(str(p.relative_to(ROOT)), p.read_text())
            for pkg in (ROOT / "certify",) for p in sorted(pkg.rglob("*"))
            if p.suffix in (".py", ".j2")]


def test_theory_citations_resolve() -> None:
    """Every "theory.md, section N" and "seed 00N, Theorem M" in certify/ and certify/proofs/ names something
    docs/theory.md restates (its numbered sections; its seed entries)."""
    theory = (ROOT / "docs" / "theory.md").read_text()
    seen = 0
    for path, text in _code_texts():
        for m in _THEORY_CITE.finditer(text):
            seen += 1
            assert f'<a id="section-{m.group(1)}"></a>' in theory, (path, m.group(0))
        for m in _SEED_CITE.finditer(text):
            seen += 1
            kind = "Section" if m.group(2) == "Sec." else m.group(2)
            assert f"{kind} {m.group(3)}" in theory, (path, m.group(0))
            assert f"| {m.group(1)} |" in theory, (path, m.group(0))
    assert seen >= 20
