"""Claims files: what a theory paper claims, checked by running certify's commands.

A claims file (YAML) is a mapping with ``claims`` (a list) and optional ``title`` and
``description``.  Each claim is a mapping with

* ``name`` (required): a short sentence;
* exactly one command key from :data:`certify.commands.COMMANDS` whose value is the
  mapping of its parameters, e.g. ``qlearning: {mdp: seed-sls, alpha: 0.5}``; the key is
  the command's name as on the command line (``sa check``) or an older alias (``sa_check``);
* ``assert`` (optional): an expression, or a list of expressions, over the fields of the
  command's JSON output (dotted access: ``direct_jsr.upper < row_sum_rate``); without it
  the claim is ``verdict == "certified"``;
* ``allow_inconclusive`` (optional, default false): an inconclusive computation fails the
  claim unless this is true.

String parameters naming a file that exists relative to the claims file's folder are
resolved against that folder.  Expressions are parsed with :mod:`ast` and evaluated by a
small interpreter (:func:`evaluate`) that allows only field names, attribute and subscript
access on them, numbers, strings, comparisons, ``and``/``or``/``not``, arithmetic and the
functions ``abs``, ``min``, ``max``, ``len``; user text is never given to Python's eval.
"""

from __future__ import annotations

import ast
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from certify.claims.sandbox import WRITE_PARAMETERS, Sandbox
from certify.commands import COMMANDS, get_command, is_command
from certify.errors import (
    AssertionSyntaxError,
    AssertionTypeError,
    BudgetExhausted,
    CertifyError,
    InvalidInput,
    MissingField,
)

TOP_KEYS = ("claims", "title", "description")
CLAIM_KEYS = ("name", "assert", "allow_inconclusive")
FUNCTIONS = {"abs": abs, "min": min, "max": max, "len": len}
_MAX_POWER = 1000
MAX_EXPRESSION_DEPTH = 100
"""Deepest nesting of an assertion's syntax tree (a 100-term sum is 100 deep)."""
MAX_RESULT_BITS = 100_000
"""An integer computed by an assertion has at most this many bits (about 30,000 digits)."""
EVAL_BUDGET_ENV = "CERTIFY_CLAIMS_EVAL_SECONDS"
DEFAULT_EVAL_BUDGET = 10.0
"""Seconds all the assertions of one claims file may take together."""


def eval_budget() -> float:
    """The total evaluation budget of a claims file's assertions, in seconds."""
    import os

    raw = os.environ.get(EVAL_BUDGET_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_EVAL_BUDGET
    except ValueError:
        raise InvalidInput(f"{EVAL_BUDGET_ENV}={raw!r}: expected a positive number of "
                           "seconds") from None
    if not value > 0:
        raise InvalidInput(f"{EVAL_BUDGET_ENV}={raw!r}: expected a positive number of seconds")
    return value


# ----------------------------------------------------------------------------- expressions
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
           ast.Pow: lambda a, b: a ** b}
_CMPOPS = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
           ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
           ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
           ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}


def _pointer(text: str, col: int) -> str:
    return f"\n    {text}\n    {' ' * max(col, 0)}^"


def parse_assertion(text: str) -> ast.Expression:
    """Parse and vet an assertion; raise :class:`AssertionSyntaxError` showing where."""
    if not isinstance(text, str) or not text.strip():
        raise AssertionSyntaxError(f"assert: expected a non-empty expression, found {text!r}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise AssertionSyntaxError(f"syntax error in assertion at column {exc.offset}: "
                                   f"{exc.msg}{_pointer(text.strip(), (exc.offset or 1) - 1)}"
                                   ) from None
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.BinOp,
                               ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Load,
                               ast.Tuple, ast.List, ast.And, ast.Or, ast.Not, ast.USub,
                               ast.UAdd, ast.Call) + tuple(_BINOPS) + tuple(_CMPOPS))
        if isinstance(node, ast.Call):
            ok = (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                  and not node.keywords)
        if isinstance(node, ast.Constant):
            ok = isinstance(node.value, (int, float, str, bool)) or node.value is None
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            ok = False
        if not ok:
            col = getattr(node, "col_offset", 0)
            what = ("a call of " + ast.unparse(node.func)) if isinstance(node, ast.Call) \
                else type(node).__name__
            raise AssertionSyntaxError(
                f"assertion uses {what}, which claims do not allow (allowed: field names, "
                f"numbers, strings, comparisons, and/or/not, + - * / ** %, "
                f"{', '.join(FUNCTIONS)}){_pointer(text.strip(), col)}")
    if _depth(tree) > MAX_EXPRESSION_DEPTH:
        raise AssertionSyntaxError(f"assertion is nested more than {MAX_EXPRESSION_DEPTH} "
                                   "levels deep; split it into several assertions")
    return tree


def _depth(tree: ast.AST) -> int:
    """The depth of a syntax tree (iterative)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


@dataclass
class _Env:
    doc: dict
    used: dict[str, Any] = field(default_factory=dict)
    deadline: float | None = None
    """time.monotonic() after which evaluation stops (the claims file's total budget)."""


def _path(node: ast.AST) -> str:
    return ast.unparse(node)


def _lookup(container: Any, key: Any, path: str, parent: str) -> Any:
    if isinstance(container, dict):
        if key not in container:
            where = f"fields of {parent}" if parent else "fields"
            avail = sorted(container) if parent else _all_fields(container)
            raise MissingField(f"field {path!r} is not in the command's output; available "
                               f"{where}: {avail}")
        return container[key]
    if isinstance(container, (list, tuple, str)) and isinstance(key, int) \
            and not isinstance(key, bool):
        if not -len(container) <= key < len(container):
            raise MissingField(f"{path}: index {key} out of range for {parent} of length "
                               f"{len(container)}")
        return container[key]
    raise AssertionTypeError(f"{path}: cannot take {key!r} of {parent} = {container!r}")


def _all_fields(doc: dict, prefix: str = "", depth: int = 2) -> list[str]:
    """Dotted names of the fields of ``doc`` (to ``depth`` levels)."""
    out = []
    for k, v in doc.items():
        out.append(prefix + str(k))
        if isinstance(v, dict) and depth > 1:
            out += _all_fields(v, f"{prefix}{k}.", depth - 1)
    return out


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float))  # bool is an int


def _eval(node: ast.AST, env: _Env) -> Any:
    value = _eval_node(node, env)
    if isinstance(value, float) and math.isnan(value):
        # NaN compares false both ways (so `not x >= 1` would hold) and is truthy: refuse it
        raise AssertionTypeError(f"{_path(node)} is NaN (not a number); no assertion holds on it")
    return value


def _eval_node(node: ast.AST, env: _Env) -> Any:
    if env.deadline is not None and time.monotonic() > env.deadline:
        raise BudgetExhausted(f"the assertions ran past their total budget of "
                              f"{eval_budget():g} s; set {EVAL_BUDGET_ENV} to raise it")
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        value = _lookup(env.doc, node.id, node.id, "")
        env.used[node.id] = value
        return value
    if isinstance(node, ast.Attribute):
        base = _eval(node.value, env)
        value = _lookup(base, node.attr, _path(node), _path(node.value))
        env.used.pop(_path(node.value), None)
        env.used[_path(node)] = value
        return value
    if isinstance(node, ast.Subscript):
        base = _eval(node.value, env)
        value = _lookup(base, _eval(node.slice, env), _path(node), _path(node.value))
        env.used.pop(_path(node.value), None)
        env.used[_path(node)] = value
        return value
    if isinstance(node, (ast.Tuple, ast.List)):
        return [_eval(e, env) for e in node.elts]
    if isinstance(node, ast.BoolOp):
        vals = [_eval(v, env) for v in node.values]  # evaluate all: every used field is shown
        return all(vals) if isinstance(node.op, ast.And) else any(vals)
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            return not v
        _need_numbers(node, v)
        return -v if isinstance(node.op, ast.USub) else +v
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env), _eval(node.right, env)
        _need_numbers(node, a, b)
        if isinstance(node.op, ast.Pow) and abs(b) > _MAX_POWER:
            raise AssertionTypeError(f"{_path(node)}: exponent {b!r} exceeds {_MAX_POWER}")
        _check_result_size(node, a, b)
        try:
            return _BINOPS[type(node.op)](a, b)
        except (ZeroDivisionError, OverflowError) as exc:
            raise AssertionTypeError(f"{_path(node)}: {exc}") from None
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        ok = True
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, env)
            try:
                ok = ok and bool(_CMPOPS[type(op)](left, right))
            except TypeError:
                raise AssertionTypeError(f"{_path(node)}: cannot compare {left!r} with "
                                         f"{right!r}") from None
            left = right
        return ok
    if isinstance(node, ast.Call):
        args = [_eval(a, env) for a in node.args]
        try:
            return FUNCTIONS[node.func.id](*args)
        except (TypeError, ValueError) as exc:
            raise AssertionTypeError(f"{_path(node)}: {exc}") from None
    raise AssertionSyntaxError(f"unsupported expression {_path(node)!r}")  # vetted before


def _check_result_size(node: ast.BinOp, a: Any, b: Any) -> None:
    """Refuse an integer operation whose result would exceed :data:`MAX_RESULT_BITS` (the
    power cap alone is per operation: ((10**1000)**1000)**1000 has 10^9 digits)."""
    if not (isinstance(a, int) and isinstance(b, int)):
        return
    la, lb = abs(a).bit_length(), abs(b).bit_length()
    if isinstance(node.op, ast.Pow):
        bits = la * max(b, 0)
    elif isinstance(node.op, ast.Mult):
        bits = la + lb
    else:
        bits = max(la, lb) + 1
    if bits > MAX_RESULT_BITS:
        raise AssertionTypeError(f"{_path(node)[:80]}: the result would have about "
                                 f"{int(bits * 0.30103):,} digits, more than claims compute "
                                 f"({int(MAX_RESULT_BITS * 0.30103):,})")


def _need_numbers(node: ast.AST, *values: Any) -> None:
    for v in values:
        if not _is_num(v):
            raise AssertionTypeError(f"{_path(node)}: expected numbers, found {v!r}")


def evaluate(expression: str | ast.Expression, doc: dict, deadline: float | None = None
             ) -> tuple[bool, dict[str, Any]]:
    """Evaluate an assertion on a command's output; returns (holds, fields used -> values).

    ``deadline`` (a ``time.monotonic()`` value) stops the evaluation with
    :class:`BudgetExhausted` once passed."""
    tree = parse_assertion(expression) if isinstance(expression, str) else expression
    env = _Env(doc, deadline=deadline)
    value = _eval(tree, env)
    return bool(value), env.used


# ----------------------------------------------------------------------------- the schema
@dataclass(frozen=True)
class Claim:
    """One validated claim of a claims file."""

    name: str
    command: str
    params: dict
    assertions: tuple[str, ...]
    allow_inconclusive: bool = False
    line: int = 0
    source: str = ""

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.source else f"line {self.line}"


@dataclass(frozen=True)
class ClaimsFile:
    path: Path
    title: str
    description: str
    claims: tuple[Claim, ...]


def _lines(node: yaml.Node) -> dict:
    """For a YAML mapping node: key -> 1-based line of the key."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _resolve(params: dict, base: Path) -> dict:
    out = {}
    for k, v in params.items():
        if isinstance(v, str) and v and not Path(v).is_absolute() and (base / v).is_file():
            v = str(base / v)
        out[k] = v
    return out


def load_claims(path: str | Path, sandbox: Sandbox | None = None) -> ClaimsFile:
    """Read and validate a claims file; errors name the file and line.

    Parameters
    ----------
    path : str or Path
        The claims file (YAML).
    sandbox : Sandbox, optional
        What the file may do (default: no sweeps, outputs under a new scratch folder;
        :mod:`certify.claims.sandbox`).
    """
    from certify.safeio import load_yaml_node, read_text

    p = Path(path)
    sandbox = sandbox if sandbox is not None else Sandbox()
    data, root = load_yaml_node(read_text(p, "claims file"), str(p))
    if not isinstance(data, dict):
        raise InvalidInput(f"{p}: expected a mapping with a 'claims' list, found "
                           f"{type(data).__name__}")
    top = _lines(root)
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise InvalidInput(f"{p}:{top[unknown[0]]}: unknown key {unknown[0]!r}; "
                           f"expected keys {list(TOP_KEYS)}")
    if "claims" not in data or not isinstance(data["claims"], list) or not data["claims"]:
        raise InvalidInput(f"{p}: 'claims' must be a non-empty list of claims")
    seq = next(v for k, v in root.value if k.value == "claims")
    claims = [_claim(item, node, p, sandbox)
              for item, node in zip(data["claims"], seq.value, strict=True)]
    names = [c.name for c in claims]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InvalidInput(f"{p}: claim names must be unique; repeated: {dup}")
    return ClaimsFile(p, str(data.get("title", p.stem)), str(data.get("description", "")),
                      tuple(claims))


def _claim(item: Any, node: yaml.Node, p: Path, sandbox: Sandbox) -> Claim:
    line = node.start_mark.line + 1
    if not isinstance(item, dict):
        raise InvalidInput(f"{p}:{line}: a claim must be a mapping, found {item!r}")
    keys = _lines(node)
    if "name" not in item or not isinstance(item["name"], str) or not item["name"].strip():
        raise InvalidInput(f"{p}:{line}: claim is missing the field 'name' (a non-empty string)")
    name = item["name"]
    cmds = [k for k in item if k not in CLAIM_KEYS]
    unknown = [k for k in cmds if not is_command(k)]
    if unknown:
        from certify.errors import did_you_mean

        hint = did_you_mean(str(unknown[0]), list(COMMANDS) + list(CLAIM_KEYS))
        raise InvalidInput(f"{p}:{keys.get(unknown[0], line)}: claim {name!r}: unknown key "
                           f"{unknown[0]!r}{hint}; expected one command of {sorted(COMMANDS)} and "
                           f"the keys {list(CLAIM_KEYS)}")
    if len(cmds) != 1:
        raise InvalidInput(f"{p}:{line}: claim {name!r} must name exactly one command of "
                           f"{sorted(COMMANDS)}, found {cmds or 'none'}")
    cmd = cmds[0]
    params = item[cmd] if item[cmd] is not None else {}
    if not isinstance(params, dict):
        raise InvalidInput(f"{p}:{keys[cmd]}: claim {name!r}: the parameters of {cmd!r} must "
                           f"be a mapping, found {params!r}")
    valid = get_command(cmd).parameters()
    bad = sorted(set(params) - set(valid))
    if bad:
        from certify.errors import did_you_mean

        raise InvalidInput(f"{p}:{keys[cmd]}: claim {name!r}: unknown parameter {bad[0]!r}"
                           f"{did_you_mean(str(bad[0]), valid)} of {cmd!r}; valid parameters are "
                           f"{valid}")
    raw = item.get("assert", ['verdict == "certified"'])
    raw = [raw] if isinstance(raw, str) else raw
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(f"{p}:{keys.get('assert', line)}: claim {name!r}: 'assert' must be "
                           f"an expression or a non-empty list of expressions")
    for a in raw:
        try:
            parse_assertion(a)
        except AssertionSyntaxError as exc:
            raise AssertionSyntaxError(f"{p}:{keys.get('assert', line)}: claim {name!r}: "
                                       f"{exc}") from None
    allow = item.get("allow_inconclusive", False)
    if not isinstance(allow, bool):
        raise InvalidInput(f"{p}:{keys['allow_inconclusive']}: claim {name!r}: "
                           f"allow_inconclusive must be true or false, found {allow!r}")
    missing = [k for k in get_command(cmd).required() if k not in params]
    if missing:
        raise InvalidInput(f"{p}:{keys[cmd]}: claim {name!r}: missing parameter {missing[0]!r} of "
                           f"{cmd!r}; required parameters are {get_command(cmd).required()}")
    writes = WRITE_PARAMETERS.get(get_command(cmd).name, ())
    safe = sandbox.apply(cmd, params, f"{p}:{keys[cmd]}: claim {name!r}")
    resolved = {**_resolve({k: v for k, v in safe.items() if k not in writes}, p.parent),
                **{k: v for k, v in safe.items() if k in writes}}
    return Claim(name, cmd, resolved, tuple(raw), allow, line, str(p))


# ----------------------------------------------------------------------------- the runner
@dataclass(frozen=True)
class ClaimOutcome:
    """Result of one claim: ``status`` is "pass", "fail" or "error" (bad input)."""

    claim: Claim
    status: str
    verdict: str | None
    values: dict
    seconds: float
    message: str = ""
    results: tuple[bool, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict:
        c = self.claim
        return {"name": c.name, "line": c.line, "command": c.command, "params": c.params,
                "assert": list(c.assertions), "allow_inconclusive": c.allow_inconclusive,
                "status": self.status, "verdict": self.verdict, "values": self.values,
                "assertions_hold": list(self.results), "seconds": self.seconds,
                "message": self.message}


def computation_key(claim: Claim) -> str:
    """Claims with equal keys run the same computation (command, by its canonical name, and
    parameters)."""
    from certify.commands import canonical_name

    return canonical_name(claim.command) + json.dumps(claim.params, sort_keys=True, default=str)


@dataclass
class EvalBudget:
    """Seconds of assertion evaluation left to a claims file (commands' run time excluded)."""

    remaining: float


def run_claim(claim: Claim, cache: dict | None = None, budget: EvalBudget | None = None
              ) -> ClaimOutcome:
    """Run one claim (the command, then its assertions, which share ``budget``)."""
    t0 = time.perf_counter()
    key = computation_key(claim)
    try:
        if cache is not None and key in cache:
            doc = cache[key]
        else:
            doc = get_command(claim.command).run(**claim.params)
            if cache is not None:
                cache[key] = doc
    except CertifyError as exc:
        return ClaimOutcome(claim, "error", None, {}, time.perf_counter() - t0,
                            f"{claim.where}: claim {claim.name!r}: {claim.command}: {exc}")
    except (TypeError, ValueError, OSError) as exc:
        # parameters come untyped from YAML (a number where a string is due, a list for a
        # file name ...); the command's own checks may not catch them: bad input, not a crash
        return ClaimOutcome(claim, "error", None, {}, time.perf_counter() - t0,
                            f"{claim.where}: claim {claim.name!r}: {claim.command} with "
                            f"{claim.params}: {type(exc).__name__}: {exc}")
    verdict = doc.get("verdict") if isinstance(doc, dict) else None
    values: dict = {}
    results: list[bool] = []
    for a in claim.assertions:
        try:
            start = time.monotonic()
            deadline = None if budget is None else start + budget.remaining
            try:
                ok, used = evaluate(a, doc, deadline)
            finally:
                if budget is not None:
                    budget.remaining -= time.monotonic() - start
        except (MissingField, BudgetExhausted) as exc:
            return ClaimOutcome(claim, "error", verdict, values, time.perf_counter() - t0,
                                f"{claim.where}: claim {claim.name!r}: assertion {a!r}: {exc}")
        except AssertionTypeError as exc:
            return ClaimOutcome(claim, "fail", verdict, values, time.perf_counter() - t0,
                                f"assertion {a!r} cannot be evaluated: {exc}", tuple(results))
        values.update({k: v for k, v in used.items() if not isinstance(v, (dict, list))})
        results.append(ok)
    secs = time.perf_counter() - t0
    failed = [a for a, ok in zip(claim.assertions, results, strict=True) if not ok]
    shown = ", ".join(f"{k} = {show_value(v, k)}" for k, v in values.items())
    if verdict == "inconclusive" and not claim.allow_inconclusive:
        return ClaimOutcome(claim, "fail", verdict, values, secs,
                            "the computation was inconclusive (mark the claim "
                            "allow_inconclusive: true to accept that)", tuple(results))
    if failed:
        return ClaimOutcome(claim, "fail", verdict, values, secs,
                            f"assertion {failed[0]!r} is false with {shown}", tuple(results))
    return ClaimOutcome(claim, "pass", verdict, values, secs, shown, tuple(results))


def show_value(v: Any, key: str = "") -> str:
    """A computed value: a float bound is rounded the safe way for its field name."""
    if isinstance(v, float) and math.isfinite(v):
        from certify.exact.printing import safe_round
        from certify.formatting import side_of_key

        return str(safe_round(v, side_of_key(key), 12))
    return repr(v)


@dataclass(frozen=True)
class ClaimsRun:
    """Outcomes of a whole claims file."""

    file: ClaimsFile
    outcomes: tuple[ClaimOutcome, ...]
    seconds: float
    documents: dict = field(default_factory=dict, compare=False, repr=False)
    """The commands' outputs: :func:`computation_key` of a claim -> its JSON document."""
    scratch: str | None = None
    """The scratch folder holding the files the claims wrote (None when none did)."""

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def errors(self) -> list[ClaimOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    def to_dict(self) -> dict:
        n_fail = sum(o.status == "fail" for o in self.outcomes)
        return {"file": str(self.file.path), "title": self.file.title,
                "claims": [o.to_dict() for o in self.outcomes],
                "passed": sum(o.passed for o in self.outcomes), "failed": n_fail,
                "errors": len(self.errors), "seconds": self.seconds,
                "verdict": "certified" if self.passed else "refuted",
                **({"scratch": self.scratch} if self.scratch else {})}


def run_claims(path: str | Path, sandbox: Sandbox | None = None) -> ClaimsRun:
    """Validate a claims file and run every claim (commands with equal parameters run once).

    The assertions of the whole file share one evaluation budget (:func:`eval_budget`).

    Parameters
    ----------
    path : str or Path
        The claims file (YAML).
    sandbox : Sandbox, optional
        What the file may do (see :func:`load_claims`).
    """
    sandbox = sandbox if sandbox is not None else Sandbox()
    cf = load_claims(path, sandbox)
    t0 = time.perf_counter()
    cache: dict = {}
    budget = EvalBudget(eval_budget())
    outs = tuple(run_claim(c, cache, budget) for c in cf.claims)
    scratch = str(sandbox.scratch) if sandbox.scratch is not None else None
    return ClaimsRun(cf, outs, time.perf_counter() - t0, cache, scratch)


def junit_xml(run: ClaimsRun) -> str:
    """The run as JUnit XML (one ``testsuite``, one ``testcase`` per claim), the format CI
    systems read: failures carry the computed values, errors the bad-input message."""
    import xml.etree.ElementTree as ET

    outs = run.outcomes
    root = ET.Element("testsuites", name="certify check", tests=str(len(outs)),
                      failures=str(sum(o.status == "fail" for o in outs)),
                      errors=str(len(run.errors)), time=f"{run.seconds:.3f}")
    suite = ET.SubElement(root, "testsuite", name=run.file.title, tests=str(len(outs)),
                          failures=root.get("failures"), errors=root.get("errors"),
                          skipped="0", time=f"{run.seconds:.3f}", file=str(run.file.path))
    for o in outs:
        case = ET.SubElement(suite, "testcase", name=o.claim.name,
                             classname=f"certify.claims.{run.file.path.stem}",
                             file=str(run.file.path), line=str(o.claim.line),
                             time=f"{o.seconds:.3f}")
        if o.status in ("fail", "error"):
            el = ET.SubElement(case, "failure" if o.status == "fail" else "error",
                               message=o.message, type=f"claim {o.status}")
            el.text = json.dumps({"verdict": o.verdict, "values": o.values}, default=str)
        out = ET.SubElement(case, "system-out")
        out.text = f"{o.claim.command} {json.dumps(o.claim.params, default=str)}: verdict " \
                   f"{o.verdict}; {', '.join(f'{k} = {show_value(v)}' for k, v in o.values.items())}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
