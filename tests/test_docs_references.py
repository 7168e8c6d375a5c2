"""Every code reference in README.md and docs/*.md exists.

The references are extracted by regular expressions over the Markdown, so a renamed module,
a dropped flag or a moved file makes this test fail with the document, the line and the
reference:

* file paths (``certify/jsr/bounds.py``, ``examples/x.py``, a bare ``bounds.py`` beside the
  folder it lives in) exist in the source tree;
* dotted names (``certify.proofs.direct_jsr_exact``, ``certify.sweep``, the module paths
  relative to ``certify/`` of docs/references.md) resolve with importlib; names imported or
  called in ```python blocks and inline calls (``analyze_jsr([A1, A2], budget=30)``) resolve,
  and every keyword argument is a parameter of the function called; ```f(...)` gives `a`, `b```
  names attributes of the class ``f`` returns;
* ``python -m MODULE`` finds the module; ``python FILE --flag`` finds the file and the flag;
* ``certify ...`` command lines (console blocks, unmarked blocks, inline code): every
  sub-command exists in the parsers that :func:`certify.cli.build_parser` builds (``crossval
  KEY`` through its plug-in's parser), every ``--flag`` is an option of that parser and a
  literal value of an option with choices is one of them; an inline flag alone (```--mode
  iid```) is an option of a command of its section;
* class-like names (``FiniteMDP``, ``MissingPackageData``, ``FAMILY_TYPES``) are defined in
  ``certify/``; ``CERTIFY_*`` environment variables are read by ``certify/``.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib
import importlib.util
import inspect
import re
import shlex
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "CHANGELOG.md"]
SOURCE_DIRS = ("certify", "tools", "benchmarks", "examples", "tests")
USER_FILES = {"my_dqn.py"}  # files the docs tell the user to write
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*$|[<>]|\.\.\.")
_FENCE = re.compile(r"^```(.*)$")
_PATH = re.compile(r"^(?:\.?[\w.-]+/)*[\w*<>-]+(?:\.[\w-]+)*\.(?:py|md|yaml|yml|json|cff|j2|toml)$"
                   r"|^\.?[\w-]+(?:/[\w.<>-]+)*/$|^\.ci/run$")
_DOTTED = re.compile(r"\bcertify(?:\.[A-Za-z_*][\w*]*)+")
_PACKAGES = ("algorithms", "certificates", "cli", "commands", "exact", "families", "jsr", "mdp",
             "report", "simulate", "sweep", "claims", "data", "proofs")


# -- extraction --------------------------------------------------------------------------------

def _doc_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@cache
def parsed(path: Path) -> tuple[list[tuple[int, str, str, bool]], list[tuple[int, str, str]]]:
    """(fenced blocks as (line, info, text, marked-not-run), inline spans as (line, code, section))."""
    blocks, spans = [], []
    lines = path.read_text().splitlines()
    section, i = "", 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            marked = k >= 0 and lines[k].strip().startswith("<!-- not run")
            blocks.append((i + 1, m.group(1).strip(), "\n".join(lines[i + 1:j]), marked))
            i = j + 1
            continue
        if lines[i].startswith("#"):
            section = lines[i].lstrip("#").strip()
        for s in re.finditer(r"`([^`\n]+)`", lines[i]):
            spans.append((i + 1, s.group(1), section))
        i += 1
    # a span broken over two lines (`certify verify FORGED.json\n--against golden`)
    text = "\n".join(ln for ln in lines)
    for s in re.finditer(r"`([^`\n]+\n[^`\n]+)`", text):
        spans.append((text[:s.start()].count("\n") + 1, " ".join(s.group(1).split()), section))
    return blocks, spans


def command_lines(path: Path) -> list[tuple[int, str, str]]:
    """(line, command, section) of every shell command: console and unmarked blocks, inline code."""
    blocks, spans = parsed(path)
    out = []
    lines = path.read_text().splitlines()
    for line, info, text, _marked in blocks:
        lang = info.split()[0] if info.split() else ""
        if lang not in ("", "console", "bash", "sh"):
            continue
        section = next((ln.lstrip("#").strip() for ln in reversed(lines[:line]) if ln.startswith("#")), "")
        for n, raw in enumerate(text.splitlines(), start=line + 1):
            cmd = _strip_comment(raw)
            for part in cmd.split("&&"):
                part = part.strip()
                if part:
                    out.append((n, part, section))
    for line, code, section in spans:
        if code.startswith(("certify ", "python ", "pytest ")):
            out.append((line, code, section))
        elif code.split()[0] in top_commands() and " --" in code:  # `pg meanfield --budget N`
            out.append((line, "certify " + code, section))
    return out


def _strip_comment(line: str) -> str:
    quote = None
    for pos, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (pos == 0 or line[pos - 1].isspace()):
            return line[:pos].rstrip()
    return line.rstrip()


def _doc_params():
    return [pytest.param(p, id=p.name) for p in DOCS]


# -- the source tree -----------------------------------------------------------------------------

@cache
def source_files() -> tuple[Path, ...]:
    return tuple(p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*") if "__pycache__" not in p.parts)


@cache
def definitions() -> frozenset[str]:
    """Every name defined at module or class level anywhere in certify/ (read, not imported)."""
    names: set[str] = set()
    for p in (ROOT / "certify").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                    if isinstance(t, ast.Name):
                        names.add(t.id)
    return frozenset(names)


@cache
def certify_source() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "certify").rglob("*.py"))


def path_exists(ref: str, dirs: list[str]) -> bool:
    if ref.endswith("/") and (ROOT / ref).is_dir():
        return True
    ref = re.sub(r"<\w+>", "*", ref.rstrip("/"))  # a template: certify/cli/crossval_<key>.py
    if "*" in ref:
        return any(ROOT.glob(ref)) or any((ROOT / "certify").glob(ref))
    if "/" in ref or ref.startswith("."):
        return (ROOT / ref).exists() or (ROOT / "certify" / ref).exists()
    # a bare file name: beside a folder named on the same line, else anywhere in the tree
    homes = [ROOT / d for d in dirs if (ROOT / d).is_dir()]
    homes += [p for d in dirs if "/" not in d.rstrip("/") for p in (ROOT / "certify").rglob(d.rstrip("/"))
              if p.is_dir()]
    if homes:
        return any(any(h.rglob(ref)) for h in homes)
    return (ROOT / ref).exists() or any(p.name == ref for p in source_files())


# -- dotted names --------------------------------------------------------------------------------

def resolve(dotted: str) -> object:
    """The module or attribute ``dotted`` names; ImportError / AttributeError if none."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        name = ".".join(parts[:k])
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        try:
            obj = importlib.import_module(name)
        except ImportError as exc:  # an optional extra (torch, jax): read the source instead
            if exc.name and exc.name.split(".")[0] == "certify":
                raise
            tree = ast.parse(Path(spec.origin).read_text())
            top = {getattr(n, "name", None) for n in tree.body}
            if k < len(parts) and parts[k] not in top:
                raise AttributeError(f"{name} defines no {parts[k]!r}") from None
            return tree
        for attr in parts[k:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"no module {dotted!r}")


def resolve_glob(dotted: str) -> bool:
    """``certify.proofs.smooth_max_*``: some module matches."""
    head, _, pattern = dotted.rpartition(".")
    folder = ROOT / Path(*head.split("."))
    return any(folder.glob(pattern + ".py"))


def check_dotted(ref: str) -> str | None:
    ref = ref.rstrip(".")
    if any(PLACEHOLDER.search(p) for p in ref.split(".")[1:]):
        return None
    if "*" in ref:
        return None if resolve_glob(ref) else f"no module matches {ref}"
    try:
        resolve(ref)
    except (ImportError, AttributeError) as exc:
        return f"{ref} does not resolve ({exc})"
    return None


# -- the command line ----------------------------------------------------------------------------

@cache
def cli_tree() -> argparse.ArgumentParser:
    from certify.cli import build_parser

    return build_parser()


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@cache
def top_commands() -> frozenset[str]:
    return frozenset(subcommands(cli_tree()))


def crossval_parser(key: str | None) -> argparse.ArgumentParser:
    from certify.cli.crossval import build_qlearning_parser, plugins

    return plugins()[key].build_parser() if key else build_qlearning_parser()


def parsers_for(tokens: list[str]) -> tuple[list[argparse.ArgumentParser], list[str], str | None]:
    """The parser(s) that read ``tokens`` (the words after ``certify``), the tokens left for
    them, and an error if a sub-command does not exist."""
    parser, i = cli_tree(), 0
    while i < len(tokens):
        subs = subcommands(parser)
        if not subs:
            break
        tok = tokens[i]
        if tok.startswith("-"):
            break
        if PLACEHOLDER.search(tok):  # `certify simulate ALGO ...`: any of them
            return [q for q in subs.values()], tokens[i + 1:], None
        if tok not in subs:
            return [], [], f"no command {tok!r} (valid: {', '.join(sorted(subs))})"
        parser, i = subs[tok], i + 1
        if tok == "crossval" and parser.prog.endswith("crossval"):
            from certify.cli.crossval import QLEARNING, plugins

            key = tokens[i] if i < len(tokens) else None
            if key in plugins():
                return [crossval_parser(key)], tokens[i + 1:], None
            if key == QLEARNING:
                i += 1
            if key is not None and PLACEHOLDER.search(key):
                return [crossval_parser(k) for k in plugins()] + [crossval_parser(None)], tokens[i + 1:], None
            return [crossval_parser(None)], tokens[i:], None
    return [parser], tokens[i:], None


@cache
def all_parsers() -> list[argparse.ArgumentParser]:
    """Every parser of the command line: each sub-command's, and each ``crossval KEY``'s."""
    from certify.cli.crossval import plugins

    out, todo = [], [cli_tree()]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += subcommands(p).values()
    return out + [crossval_parser(None)] + [crossval_parser(k) for k in plugins()]


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def check_flags(parsers: list[argparse.ArgumentParser], tokens: list[str], where: str) -> list[str]:
    """Every option of ``tokens`` is one of the parsers' (and a literal choice is valid)."""
    known: dict[str, list[argparse.Action]] = {}
    for p in [*parsers, cli_tree()]:
        for s, a in options(p).items():
            known.setdefault(s, []).append(a)
    bad = []
    for k, tok in enumerate(tokens):
        if not re.match(r"^--?[A-Za-z]", tok):
            continue
        flag, _, value = tok.partition("=")
        if flag not in known:
            bad.append(f"{where}: unknown option {flag}")
            continue
        if not value and k + 1 < len(tokens) and not tokens[k + 1].startswith("-"):
            value = tokens[k + 1]
        choices = [a.choices for a in known[flag] if a.choices and a.nargs != 0]
        if (choices and value and re.fullmatch(r"[a-z][\w-]*", value)
                and not any(value in c for c in choices)):
            bad.append(f"{where}: {flag} {value}: not one of {sorted(set().union(*choices))}")
    return bad


def check_command(cmd: str, where: str) -> list[str]:
    try:
        tokens = shlex.split(cmd)
    except ValueError:
        return [f"{where}: cannot split {cmd!r}"]
    while tokens and re.match(r"^[A-Z_]+=", tokens[0]):  # VAR=value certify ...
        tokens.pop(0)
    if not tokens:
        return []
    head, args = tokens[0], tokens[1:]
    if head == "certify":
        if args and PLACEHOLDER.search(args[0]):  # `certify <command> --json`
            return []
        parsers, rest, err = parsers_for(args)
        return [f"{where}: {err}"] if err else check_flags(parsers, rest, where)
    if head in ("python", "python3"):
        if args[:1] == ["-m"]:
            mod = args[1]
            if PLACEHOLDER.search(mod.rpartition(".")[2]):
                return []
            return [] if importlib.util.find_spec(mod) else [f"{where}: no module {mod}"]
        if args[:1] == ["-c"] or not args:
            return []
        script = ROOT / args[0]
        if not script.is_file():
            return [f"{where}: no file {args[0]}"]
        src = script.read_text()
        return [f"{where}: {args[0]} has no option {a}" for a in args[1:]
                if a.startswith("--") and f'"{a.split("=")[0]}"' not in src]
    if head == "pytest":
        plugin = (ROOT / "certify" / "claims" / "plugin.py").read_text()
        return [f"{where}: the pytest plugin has no option {a}" for a in args
                if a.startswith("--") and f'"{a}"' not in plugin]
    return []


# -- the tests -----------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", _doc_params())
def test_paths_exist(doc: Path) -> None:
    bad = []
    for line, code, _section in parsed(doc)[1]:
        for word in code.split():
            if not _PATH.match(word) or word in USER_FILES:
                continue
            if "/" not in word.rstrip("/") and not word.endswith(".py") and not word.endswith("/"):
                continue  # a bare data file name is the user's (my_mdp.yaml, cert.json)
            if word.endswith("/") and "/" not in word.rstrip("/") and not (ROOT / word).exists():
                continue  # a bare folder (`certs/`, `qlearning/`) is output or context
            same_line = [c for ln, c, _ in parsed(doc)[1] if ln == line and c.endswith("/")]
            if word.startswith(("my_", "certs", "jsr-certs")):
                continue
            if not path_exists(word, same_line):
                bad.append(f"{_doc_id(doc)}:{line}: no such file {word}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", _doc_params())
def test_dotted_names_resolve(doc: Path) -> None:
    bad = []
    text_lines = doc.read_text().splitlines()
    for n, text in enumerate(text_lines, start=1):
        for m in _DOTTED.finditer(text):
            start = m.start()
            if start and (text[start - 1] in "/-" or text[start - 1].isalnum()):
                continue  # a path (certify/jsr) or another word
            err = check_dotted(m.group(0))
            if err:
                bad.append(f"{_doc_id(doc)}:{n}: {err}")
    assert not bad, "\n".join(bad)


def test_references_module_lists_resolve() -> None:
    """docs/references.md names modules relative to certify/: ``jsr.bounds``, and
    ``algorithms.smooth`` (``analysis``, ``moduli``, ...) for its submodules."""
    doc = ROOT / "docs" / "references.md"
    text = doc.read_text()
    bad, seen = [], 0
    pkg = "|".join(_PACKAGES)
    for m in re.finditer(rf"`((?:{pkg})(?:\.\w+)*)`", text):
        line = text[:m.start()].count("\n") + 1
        name, seen = "certify." + m.group(1), seen + 1
        err = check_dotted(name)
        if err:
            bad.append(f"docs/references.md:{line}: {err}")
            continue
        rest = text[m.end():]
        if not rest.startswith(" (`"):  # a list of submodules, not prose
            continue
        depth, end = 0, None  # the balanced parenthesis after the name
        for k, ch in enumerate(rest[1:], start=1):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                end = k
                break
        inner = re.sub(r"\([^()]*\)", "", rest[2:end])  # drop nested (`analyze_ntk`)
        for sub in re.findall(r"`(\w+)`", inner):
            seen += 1
            err = check_dotted(f"{name}.{sub}")
            if err:
                bad.append(f"docs/references.md:{line}: {err}")
    assert seen >= 80
    assert not bad, "\n".join(bad)


def _python_sources(doc: Path) -> list[tuple[int, str]]:
    out = [(line, text) for line, info, text, _ in parsed(doc)[0] if info.split()[:1] == ["python"]]
    for line, code, _ in parsed(doc)[1]:
        try:
            tree = ast.parse(code, mode="eval")
        except SyntaxError:
            continue
        if any(isinstance(n, ast.Call) for n in ast.walk(tree)):
            out.append((line, code))
    return out


def _call_target(func: ast.expr, env: dict[str, object]) -> object | None:
    if isinstance(func, ast.Name):
        if func.id in env:
            return env[func.id]
        import certify

        if func.id in dir(certify) or re.match(r"^(analy[sz]e|run|simulate|crossval|load)_", func.id):
            return getattr(certify, func.id)  # AttributeError: reported
        return None
    if isinstance(func, ast.Attribute):
        base = _call_target(func.value, env) if isinstance(func.value, (ast.Name, ast.Attribute)) else None
        if base is None and isinstance(func.value, ast.Name) and func.value.id == "certify":
            base = importlib.import_module("certify")
        return getattr(base, func.attr) if base is not None else None
    return None


@pytest.mark.parametrize("doc", _doc_params())
def test_python_names_and_keywords_exist(doc: Path) -> None:
    """Names imported in python blocks, functions called there and in inline code, and
    their keyword arguments."""
    bad = []
    for line, src in _python_sources(doc):
        where = f"{_doc_id(doc)}:{line}"
        tree = ast.parse(src)
        env: dict[str, object] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("certify"):
                for alias in node.names:
                    try:
                        env[alias.asname or alias.name] = resolve(f"{node.module}.{alias.name}")
                    except (ImportError, AttributeError) as exc:
                        bad.append(f"{where}: from {node.module} import {alias.name}: {exc}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("certify") and check_dotted(alias.name):
                        bad.append(f"{where}: import {alias.name}: no such module")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            try:
                target = _call_target(node.func, env)
            except AttributeError as exc:
                bad.append(f"{where}: {ast.unparse(node.func)}: {exc}")
                continue
            if target is None or not callable(target):
                continue
            try:
                params = inspect.signature(target).parameters
            except (TypeError, ValueError):
                continue
            if any(p.kind is p.VAR_KEYWORD for p in params.values()):
                continue
            for kw in node.keywords:
                if kw.arg and kw.arg not in params:
                    bad.append(f"{where}: {ast.unparse(node.func)}() has no parameter {kw.arg!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", _doc_params())
def test_result_attributes_exist(doc: Path) -> None:
    """```analyze_jsr([A1, A2], budget=30)` gives `lower`, `upper`, ...``: each named attribute
    is one of the class the function's return annotation names."""
    import dataclasses
    import typing

    import certify

    bad, seen = [], 0
    text = " ".join(doc.read_text().split())
    for m in re.finditer(r"`(\w+)\([^`]*\)` gives ((?:`\w+`(?:, | and |\.|$))+)", text):
        func = getattr(certify, m.group(1))
        cls = typing.get_type_hints(func).get("return")
        names = set(dir(cls))
        if dataclasses.is_dataclass(cls):
            names |= {f.name for f in dataclasses.fields(cls)}
        seen += 1
        for attr in re.findall(r"`(\w+)`", m.group(2)):
            if attr not in names:
                bad.append(f"{_doc_id(doc)}: {m.group(1)}() returns {cls.__name__}, which has no {attr!r}")
    assert seen or doc.name != "README.md"  # the README's analyze_jsr sentence is found
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", _doc_params())
def test_commands_and_flags_exist(doc: Path) -> None:
    bad = []
    for line, cmd, _section in command_lines(doc):
        bad += check_command(cmd, f"{_doc_id(doc)}:{line}: {cmd}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", _doc_params())
def test_inline_flags_exist(doc: Path) -> None:
    """```--noise B``` in prose: an option of some command (or of a script the document
    runs), and a literal value of an option with choices is one of them."""
    parsers = all_parsers()
    scripts = ""
    for _line, cmd, _section in command_lines(doc):
        tokens = shlex.split(cmd)
        if tokens[:1] == ["python"] and len(tokens) > 1 and (ROOT / tokens[1]).is_file():
            scripts += (ROOT / tokens[1]).read_text()
    bad = []
    for line, code, _section in parsed(doc)[1]:
        if not code.startswith("-"):
            continue
        tokens = shlex.split(code)
        if f'"{tokens[0]}"' in scripts:
            continue
        bad += check_flags(parsers, tokens[:2], f"{_doc_id(doc)}:{line}: `{code}`")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", _doc_params())
def test_named_things_are_defined(doc: Path) -> None:
    """CamelCase classes, UPPER_CASE constants, ``module.attr`` and ``Class.method`` in inline
    code, and ``CERTIFY_*`` environment variables."""
    import certify
    from certify.deprecation import RENAMED

    bad = []
    for line, code, _ in parsed(doc)[1]:
        where = f"{_doc_id(doc)}:{line}"
        name = code.removesuffix("()")
        if re.fullmatch(r"CERTIFY_[A-Z_]+", name):
            if f'"{name}"' not in certify_source():
                bad.append(f"{where}: certify/ reads no environment variable {name}")
        elif re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+", name):
            if name not in definitions() and not hasattr(builtins, name):  # ValueError
                bad.append(f"{where}: {name} is defined nowhere in certify/")
        elif re.fullmatch(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+", name):  # a constant, or a variable read
            if name not in definitions() and not re.search(rf"\b{name}\b", certify_source()):
                bad.append(f"{where}: {name} appears nowhere in certify/")
        elif (re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", name)
              and name.split(".")[1] not in ("py", "md", "json", "yaml", "cff")
              and name.split(".")[0] not in _PACKAGES):
            head, attr = name.split(".")
            if head in dir(certify) and not inspect.ismodule(getattr(certify, head)):
                if not hasattr(getattr(certify, head), attr):
                    bad.append(f"{where}: certify.{head} has no {attr}")
            else:
                mods = [p for p in (ROOT / "certify").rglob(f"{head}.py")]
                # a function or constant of the module, or a field of its JSON (cqlf.rate_exact)
                if mods and not any(re.search(rf"\b{attr}\b", p.read_text()) for p in mods):
                    bad.append(f"{where}: {head}.py has no {attr}")
        elif re.fullmatch(r"(analy[sz]e|run|simulate|crossval|load)_\w+", name):
            if not hasattr(certify, name) and name not in definitions():
                bad.append(f"{where}: {name} is defined nowhere in certify/")
    # the old names listed as deprecated aliases are the deprecated aliases
    for doc_line in doc.read_text().split("\n\n"):
        m = re.search(r"Older names \(([^)]*)\)", doc_line.replace("\n", " "))
        if m:
            for old in re.findall(r"`(\w+)`", m.group(1)):
                if old not in RENAMED:
                    bad.append(f"{_doc_id(doc)}: {old} is listed as an old name but is not in RENAMED")
    assert not bad, "\n".join(bad)


def test_extractors_find_references() -> None:
    """The regexes see what they should (so a passing run is not an empty one)."""
    readme = ROOT / "README.md"
    cmds = [c for _, c, _ in command_lines(readme)]
    assert "certify jsr golden" in cmds and any(c.startswith("python -m certify.proofs.") for c in cmds)
    assert any("--save-certificates" in c for c in cmds)
    assert check_command("certify qlearning seed-sls --alpha 0.5 --alpah 1", "x") == [
        "x: unknown option --alpah"]
    assert check_command("certify crossval sa tdc-m3 random-walk-5 --exponents 1,2", "x") == []
    assert check_command("certify crossval sa tdc-m3 P --alpha 1", "x") == ["x: unknown option --alpha"]
    assert check_command("certify simulate qlearning S --mode nope", "x")[0].startswith("x: --mode nope")
    assert check_command("certify nope", "x")[0].startswith("x: no command 'nope'")
    assert check_command("python -m certify.proofs.nope", "x") == ["x: no module certify.proofs.nope"]
    assert check_dotted("certify.jsr.bounds.analyze_jsr") is None
    assert check_dotted("certify.jsr.bounds.nope") is not None
    assert not path_exists("certify/qlearning_nope.py", [])
    assert path_exists("rational.py", ["certify/exact/"]) and not path_exists("rational.py", ["certify/jsr/"])
    assert check_flags(all_parsers(), ["--nope"], "x") == ["x: unknown option --nope"]
    assert check_flags(all_parsers(), ["--mode", "iid"], "x") == []
    assert check_flags(all_parsers(), ["--mode", "nope"], "x")[0].startswith("x: --mode nope")
