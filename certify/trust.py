"""The trusted base: the files a reviewer must read to trust a "certified" verdict.

A verdict "certified" is issued only by ``Certificate.verify()`` of a certificate kind in
:mod:`certify.certificates`; everything those methods can execute inside certify is the
trusted base.  This module computes it statically, from the import statements (module-level
and inside functions) of the certificate modules, closed transitively, so that the list in
``docs/trust.md`` cannot drift from the code: ``tests/test_trusted_base.py`` fails when a
certificate module reaches a module outside :data:`TRUSTED_PACKAGES`.

Run ``python -m certify.trust`` to print the files with their line counts (all lines, and
code lines: not blank, not a comment, not a docstring).
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent

#: Modules (or packages, with every module under them) a certificate may import.
TRUSTED_PACKAGES: tuple[str, ...] = (
    "certify.certificates",
    "certify.exact",
    "certify.families",
    "certify.errors",
    "certify.tolerance",
    # input guards: they can refuse a file (size, depth, encoding, non-numbers), never accept
    "certify.argcheck",
    "certify.limits",
    "certify.numcheck",
    "certify.safejson",
    "certify.verdict",
)

#: The roots of the trusted base: every certificate kind and every family type.
ROOTS: tuple[str, ...] = ("certify.certificates", "certify.families")

#: What the policy-gradient certificates (``certify.certificates.pg``) execute beyond the
#: kernel: they re-run the problem-specific interval branch and bound and the closed-form
#: bounds of :mod:`certify.algorithms.pg`, on an MDP rebuilt from the witness.  Not yet
#: separated from the analysis code (``docs/trust.md``); no other kind may use these.
PG_VERIFICATION: tuple[str, ...] = (
    "certify.algorithms",
    "certify.algorithms.pg",
    "certify.krylov",
    "certify.mdp",
    "certify.safeio",
)

#: The code-line budget of the trusted base of one verdict (issue 13): what a reviewer reads
#: to trust one certificate kind about any family type.  The PG kinds are not yet within it.
VERDICT_BUDGET: int = 2000


def certificate_modules() -> list[str]:
    """Every module of the roots (package ``__init__`` files excepted)."""
    out = []
    for root in ROOTS:
        folder = ROOT / Path(*root.split(".")[1:])
        out += [_module_name(p) for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]
    return out


def allowed_for(module: str) -> tuple[str, ...]:
    """The packages ``module`` (a certificate or family module) may reach."""
    extra = PG_VERIFICATION if module == "certify.certificates.pg" else ()
    return TRUSTED_PACKAGES + extra


def _module_file(name: str) -> Path | None:
    """The source file of module ``name`` inside the certify package (None outside it)."""
    if name != "certify" and not name.startswith("certify."):
        return None
    rel = Path(*name.split(".")[1:])
    for cand in (ROOT / rel.with_suffix(".py"), ROOT / rel / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


#: Methods that render a certificate for reports (LaTeX); verification never calls them, and
#: their imports (only :data:`RENDERING_MODULE`) are not part of the trusted base.
RENDERING_METHODS: tuple[str, ...] = ("claim_latex", "to_latex")
RENDERING_MODULE: str = "certify.report.certificate_latex"


def _split_rendering(tree: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    """The nodes of ``tree`` outside and inside :data:`RENDERING_METHODS` bodies."""
    inside: list[ast.AST] = []
    outside: list[ast.AST] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef) and node.name in RENDERING_METHODS:
            inside.extend(ast.walk(node))
            continue
        outside.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return outside, inside


def imports_of(path: Path, rendering: bool = False) -> set[str]:
    """Names of the certify modules imported anywhere in ``path`` (functions included),
    except inside the rendering methods (:data:`RENDERING_METHODS`); with ``rendering``,
    only those inside them."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    outside, inside = _split_rendering(ast.parse(path.read_text(encoding="utf-8")))
    for node in inside if rendering else outside:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            # `from certify.pkg import module` imports a module, not a name
            found.update(f"{base}.{a.name}" for a in node.names
                         if _module_file(f"{base}.{a.name}") is not None)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)  # a lazy import by name (PEP 562 re-exports)
    return {m for m in found if _module_file(m) is not None}


def _with_parents(name: str) -> list[str]:
    """Importing a.b.c executes a/__init__, a/b/__init__ and a/b/c."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts) + 1)]


def closure(roots: tuple[str, ...] = ROOTS) -> list[Path]:
    """Every certify source file that importing the ``roots`` (and their submodules) can run."""
    todo: list[str] = []
    for r in roots:
        f = _module_file(r)
        if f is not None and f.name == "__init__.py":
            todo += [_module_name(p) for p in sorted(f.parent.glob("*.py"))]
        else:
            todo.append(r)
    seen: dict[str, Path] = {}
    while todo:
        m = todo.pop()
        for name in _with_parents(m):
            if name in seen:
                continue
            path = _module_file(name)
            if path is None:
                continue
            seen[name] = path
            todo.extend(imports_of(path))
    return sorted(set(seen.values()))


def outside(paths: list[Path], trusted: tuple[str, ...] = TRUSTED_PACKAGES) -> list[str]:
    """Modules among ``paths`` that are not in a trusted package."""
    bad = []
    for p in paths:
        name = _module_name(p)
        if name == "certify":
            continue
        if not any(name == t or name.startswith(t + ".") for t in trusted):
            bad.append(name)
    return bad


def code_lines(path: Path) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    src = path.read_text(encoding="utf-8")
    doc: set[int] = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                doc.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    lines: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines - doc)


@dataclass(frozen=True)
class BaseSize:
    """Size of the trusted base."""

    files: int
    lines: int
    code_lines: int


def size(paths: list[Path]) -> BaseSize:
    """Files, all lines and code lines of ``paths``."""
    return BaseSize(len(paths),
                    sum(len(p.read_text(encoding="utf-8").splitlines()) for p in paths),
                    sum(code_lines(p) for p in paths))


def kernel_files() -> list[Path]:
    """The trusted base of every verdict except the policy-gradient ones."""
    return closure(tuple(m for m in certificate_modules() if m != "certify.certificates.pg"))


def family_modules() -> tuple[str, ...]:
    """The modules of the family types a certificate can be about (``FAMILY_TYPES``)."""
    from certify.families.matrix import FAMILY_TYPES

    return tuple(sorted({t.partition(":")[0] for t in FAMILY_TYPES.values()}))


def verdict_files(kind: str) -> list[Path]:
    """The trusted base of one verdict: what checking a certificate of ``kind`` (about any
    family type) can execute, i.e. its module's closure with every family module's."""
    from certify.certificates.kinds import KINDS

    return closure((KINDS[kind].partition(":")[0], *family_modules()))


def verdict_sizes() -> dict[str, BaseSize]:
    """:func:`size` of :func:`verdict_files` for every certificate kind."""
    from certify.certificates.kinds import KINDS

    return {kind: size(verdict_files(kind)) for kind in sorted(KINDS)}


def main() -> None:
    kernel = kernel_files()
    everything = closure()
    for title, paths in (("kernel: every certificate kind but the PG ones", kernel),
                         ("PG certificates add", sorted(set(everything) - set(kernel)))):
        print(title)
        for p in paths:
            n = len(p.read_text(encoding="utf-8").splitlines())
            print(f"{n:6d} {code_lines(p):6d}  {p.relative_to(ROOT.parent)}")
        s = size(paths)
        print(f"{s.lines:6d} {s.code_lines:6d}  total: {s.files} files (all lines, code lines)\n")
    print(f"per verdict: the files checking one kind can execute (any family type); budget "
          f"{VERDICT_BUDGET} code lines")
    for kind, s in verdict_sizes().items():
        print(f"{s.lines:6d} {s.code_lines:6d}  {kind} ({s.files} files)")
    bad = [m for m in certificate_modules() if outside(closure((m,)), allowed_for(m))]
    if bad:
        print("modules reaching outside their trusted set: " + ", ".join(bad))


if __name__ == "__main__":
    main()
