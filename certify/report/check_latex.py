"""ASCII formulas of check reasons and claims, typeset in LaTeX for the reports.

The exact checks (:mod:`certify.certificates`, the trusted base) explain their verdicts in
plain text such as ``"exact check T(w) <= r w passed on every row"`` or ``"exact LDL^T:
X > 0 and beta^2 X - A^T X A >= 0 for every member"``; the console prints them as they are.
A report typesets them: :func:`text_latex` finds the formula runs among the words and sets
each in math mode (``<=`` as ``\\le``, ``^T`` as ``^\\top``, ``beta`` as ``\\beta``,
``||x||_inf`` as ``\\|x\\|_\\infty``, ...), escaping the words around them.  The result
never contains a bare ``<=``, ``>=`` or ``^T``.
"""

from __future__ import annotations

import re

from certify.report.latex import Latex, escape

GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "kappa", "lambda",
         "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
         "varrho", "varepsilon", "vartheta", "varphi", "varsigma",
         "Gamma", "Delta", "Theta", "Lambda", "Sigma", "Pi", "Phi", "Psi", "Omega")
"""Greek letters spelled out in ASCII text (set as ``\\beta`` ...)."""
OPERATORS = ("min", "max", "sup", "inf", "log", "ln", "exp", "det", "sum")
"""Names set as math operators (``\\min`` ...); ``sum`` as ``\\sum``."""

_RELATIONS = [("<=", r" \le "), (">=", r" \ge "), ("!=", r" \ne "), ("->", r" \to "),
              ("+-", r" \pm ")]
_MATHY = re.compile(r"(<=|>=|!=|->|[<>=^_|*/+]|\w\(|^\(|\)$|^-\w?$|^[\d.]+(e-?\d+)?$)")
_WORD = re.compile(r"^[A-Za-z]+$")
_HYPHENATED = re.compile(r"^[A-Za-z]{2,}(-[A-Za-z]{2,})+$")
_FIELD_NAME = re.compile(r"^[A-Za-z]{2,}(_[A-Za-z]{2,}\d*)+$")


def _is_field_name(core: str) -> bool:
    """A snake_case name of a field (``norm_decay_rate``), set in typewriter type; not
    ``lambda_max`` or ``sup_q`` (a symbol with a subscript)."""
    head = core.split("_", 1)[0]
    symbol = core.count("_") == 1 and (head in GREEK or head in OPERATORS)
    return bool(_FIELD_NAME.match(core)) and not symbol
_TRAIL = ".,;:"
_MATH_SPECIAL = {"{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
                 "~": r"\sim ", "\\": r"\backslash ", "_": r"\_", "^": r"\wedge "}


def _is_math_token(tok: str, prev_math: bool) -> bool:
    """Whether a whitespace-separated token is (part of) a formula."""
    core = tok.rstrip(_TRAIL) or tok
    if core.rstrip("'") in GREEK or core in OPERATORS and prev_math:  # xi' is a primed xi
        return True
    bare = core.strip("()")
    if _HYPHENATED.match(bare) or _is_field_name(core):
        return False  # a hyphenated word ("Routh-Hurwitz"), not a difference
    if _WORD.match(bare) and len(bare) > 1 and bare not in GREEK and bare not in OPERATORS:
        return False  # a word, perhaps in parentheses: "(Lemma", "tight)"
    if prev_math and re.fullmatch(r"[A-Za-z]\d+", core):
        return True  # an indexed symbol inside a formula ("- C2 - L")
    if _WORD.match(core):
        # a single letter continues a formula (``r w``, ``X A``); 'a' and 'A' start none
        return len(core) == 1 and (prev_math or core not in ("a", "A", "I"))
    return bool(_MATHY.search(core))


def _ident(m: re.Match) -> str:
    name = m.group(0)
    if name in GREEK:
        return "\\" + name + " "
    if name == "sum":
        return r"\sum "
    if name in OPERATORS:
        return "\\" + name + " "
    if name in ("inf", "infty"):
        return r"\infty "
    if re.fullmatch(r"[a-z][A-Z]", name):
        return name[0] + " " + name[1]  # xI: the scalar x times the identity
    if len(name) == 1 or name in ("LDL",):
        return name
    return r"\mathrm{" + name + "}"


_OPTIMAL = re.compile(r"(?<=[A-Za-z])\*(?![\w*])")
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+-]?)(\d+)\b")


def _power_of_ten(m: re.Match) -> str:
    digits = m.group(3).lstrip("0") or "0"
    exp = ("-" if m.group(2) == "-" and digits != "0" else "") + digits
    return ("" if m.group(1) == "1" else m.group(1) + r" \times ") + "10^{" + exp + "}"


_SCRIPT = re.compile(r"\^[A-Za-z0-9]+|_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*")


def _scripts(s: str) -> list[tuple[str, str]]:
    """Split ``s`` into ("", plain text), ("^", superscript) and ("_", subscript) pieces; a
    superscript ``^(...)`` extends to its matching parenthesis."""
    pieces: list[tuple[str, str]] = []
    plain, i = "", 0
    while i < len(s):
        if s.startswith(("^(", "^{", "_{"), i):  # ^(...), ^{...}, _{...}: one script
            close = {"(": ")", "{": "}"}[s[i + 1]]
            depth, j = 0, i + 1
            while j < len(s):
                depth += {s[i + 1]: 1, close: -1}.get(s[j], 0)
                if depth == 0:
                    break
                j += 1
            if j < len(s):
                pieces += [("", plain), (s[i], s[i + 2:j])]
                plain, i = "", j + 1
                continue
        m = _SCRIPT.match(s, i)
        if m:
            pieces += [("", plain), (m.group(0)[0], m.group(0)[1:])]
            plain, i = "", m.end()
            continue
        plain += s[i]
        i += 1
    return [*pieces, ("", plain)]


_MATRIX_RELATIONS = {">": r"\succ", ">=": r"\succeq", "<": r"\prec", "<=": r"\preceq"}
_ONE_RELATION = re.compile(r"^(?P<lhs>[^<>=]+?)\s*(?P<rel>>=|<=|>|<)\s*(?P<rhs>[^<>=]+)$")


def _is_matrix(side: str) -> bool:
    """A side of an inequality that is a matrix: one capital letter (not the operator T) or
    an expression with a transpose ``^T``."""
    side = side.strip()
    return bool(re.fullmatch(r"[A-SU-Z]", side)) or "^T" in side


def formula_latex(text: str) -> str:
    """One ASCII formula (no surrounding words) as math-mode LaTeX (no dollars).  An
    inequality between matrices (``X > 0``, ``beta^2 X - A^T X A >= 0``) is the Loewner
    order: ``\\succ``, ``\\succeq``, not ``>``.

    >>> formula_latex("beta^2 X - A^T X A >= 0")
    '\\\\beta ^{2} X - A^\\\\top X A \\\\succeq 0'
    """
    m = _ONE_RELATION.match(text.strip())
    if m and (_is_matrix(m["lhs"]) and m["rhs"].strip() in ("0", "I") or "^T" in m["lhs"] + m["rhs"]):
        return (formula_latex(m["lhs"]) + " " + _MATRIX_RELATIONS[m["rel"]] + " "
                + formula_latex(m["rhs"]))
    s = text.replace("||", "\x00")
    s = _OPTIMAL.sub("\x02", s)  # pi*(a), V*: the optimal ones, not a product
    s = re.sub(r"_inf(ty)?\b", "\x01", s)
    out = []
    for kind, piece in _scripts(s):
        if kind == "^":
            out.append(r"^\top" if piece == "T" else "^{" + formula_latex(piece) + "}")
        elif kind == "_":
            out.append("_{" + ",".join(formula_latex(p) for p in piece.split("_")) + "}")
        else:
            t = "".join(_MATH_SPECIAL.get(c, c) for c in piece)
            t = _SCIENTIFIC.sub(_power_of_ten, t)  # 1e-12 as 10^{-12}, not "1e - 12"
            # names, not the commands just inserted; before the relations add \le, \ge, ...
            t = re.sub(r"(?<![\\A-Za-z])[A-Za-z]+", _ident, t)
            for a, b in _RELATIONS:
                t = t.replace(a, b)
            out.append(t.replace("*", r" \cdot "))
    s = "".join(out).replace("\x00", r"\|").replace("\x01", r"_\infty").replace("\x02", "^{*}")
    return re.sub(r" {2,}", " ", s).strip()


def text_latex(text: object) -> Latex:
    """A check's reason or a claim in plain ASCII, with its formulas typeset in math mode.

    Parameters
    ----------
    text : str
        E.g. ``"exact check T(w) <= r w passed on every row"``.

    >>> str(text_latex("exact check T(w) <= r w passed on every row"))
    'exact check $T(w) \\\\le r w$ passed on every row'
    """
    tokens: list[str] = []
    for tok in str(text).split():  # a braced group ({-(c/p) t}) is one token
        if tokens and tokens[-1].count("{") > tokens[-1].count("}"):
            tokens[-1] += " " + tok
        else:
            tokens.append(tok)
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            formula = " ".join(run)
            if re.fullmatch(r"\([\d.]+|[\d.]+\)", formula):  # "(20 steps": a number, not math
                parts.append(escape(formula))
            else:
                parts.append("$" + formula_latex(formula) + "$")
            run.clear()

    for tok in tokens:
        if _is_math_token(tok, bool(run)):
            # a math run ends at trailing punctuation, printed after the closing dollar
            core = tok.rstrip(_TRAIL)
            tail = tok[len(core):] if core else ""
            run.append(core or tok)
            if tail:
                flush()
                parts[-1] += escape(tail)
        else:
            if run and _WORD.match(run[-1]) and len(run) == 1 and run[-1] in ("a", "A", "I"):
                parts.append(escape(run.pop()))
            flush()
            core = tok.rstrip(_TRAIL)
            parts.append(r"\texttt{" + escape(core) + "}" + escape(tok[len(core):])
                         if _is_field_name(core) else escape(tok))
    flush()
    return Latex(" ".join(parts))
