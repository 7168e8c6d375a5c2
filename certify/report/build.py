"""Write reports safely and compile them with a real TeX engine.

* :func:`write_atomic` writes to a temporary file in the target folder and renames it, so
  an interrupted or failed run leaves nothing half-written; the folder must exist.
* :func:`build_pdf` compiles a LaTeX source in a scratch folder with ``latexmk -pdf``
  (or two ``pdflatex`` passes when latexmk is absent), under a timeout, parses the log for
  errors and warnings, and moves the PDF into place atomically.  A missing engine raises
  :class:`TeXNotFound` saying how to install one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from certify.errors import InvalidInput, TeXBuildError, TeXNotFound

INSTALL_HINT = (
    "install a TeX engine, e.g. on Debian/Ubuntu: apt-get install latexmk texlive-latex-base "
    "texlive-latex-recommended texlive-latex-extra texlive-pictures texlive-fonts-recommended "
    "(elsewhere: TeX Live or MiKTeX with latexmk); or write the LaTeX source with -o FILE.tex"
)


@dataclass(frozen=True)
class BuildResult:
    """Outcome of a PDF build: the engine used, seconds, and the log's warnings."""

    pdf: Path
    engine: str
    seconds: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def undefined_references(self) -> tuple[str, ...]:
        return tuple(w for w in self.warnings if "undefined" in w.lower())


def check_output_path(path: str | Path, suffixes: tuple[str, ...] | None, option: str = "-o") -> Path:
    """The output path, after checking its folder exists, it is not a folder itself and its
    suffix is one of ``suffixes`` (any suffix when None); errors name ``option``."""
    p = Path(path)
    if suffixes is not None and p.suffix.lower() not in suffixes:
        raise InvalidInput(f"{option}: output {str(p)!r} must end in one of {list(suffixes)}")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        what = ("is a file, not a folder" if folder.exists() else
                "does not exist; create it first")
        raise InvalidInput(f"{option}: the folder {str(folder)!r} of the output {str(p)!r} {what}")
    if p.is_dir():
        raise InvalidInput(f"{option}: the output {str(p)!r} is a folder; expected a file name")
    from certify.outputs import check_writable

    check_writable(folder, p, option)
    return p


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder + rename."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"the folder {str(folder)!r} of {str(p)!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def find_engine() -> tuple[str, str] | None:
    """("latexmk", path) or ("pdflatex", path), or None when neither is installed."""
    for name in ("latexmk", "pdflatex"):
        exe = shutil.which(name)
        if exe and (name != "latexmk" or shutil.which("pdflatex")):
            return name, exe
    return None


_ERROR = re.compile(r"^(?:! .*|.*:\d+: .*)$")
_WARNING = re.compile(r"^(?:LaTeX|Package [\w-]+|Class [\w-]+|pdfTeX) (?:Font )?Warning: .*")


def parse_log(text: str) -> tuple[list[str], list[str]]:
    """Errors (``! ...`` or ``file:line: ...`` lines) and warnings (``... Warning: ...``,
    joined with their continuation lines) from a TeX log."""
    errors: list[str] = []
    warnings: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _ERROR.match(line) and not line.startswith("(") and "Warning" not in line:
            errors.append(line.strip())
        elif _WARNING.match(line):
            msg = line.strip()
            j = i + 1
            while j < len(lines) and lines[j].startswith("(") and lines[j].strip() != "(" \
                    and not lines[j].startswith("(/") and len(msg) < 400:
                msg += " " + lines[j].strip("() ").strip()
                j += 1
            warnings.append(msg)
    return errors, warnings


def build_pdf(source: str, out: str | Path, timeout: float = 180.0,
              keep_tex: bool = False, files: dict[str, bytes] | None = None) -> BuildResult:
    """Compile the LaTeX ``source`` into the PDF ``out``.

    ``files`` (name -> content) are written beside the source first, e.g. the PDF figures
    an ``\\includegraphics`` names.

    Parameters
    ----------
    source : str
        The LaTeX document.
    out : str or Path
        The PDF to write.
    timeout : float
        Seconds the engine may run.
    keep_tex : bool
        Also write the LaTeX source beside ``out`` (same name, ``.tex``).
    files : dict of str to bytes, optional
        Files written beside the source first.

    Raises
    ------
    InvalidInput
        The output folder does not exist.
    TeXNotFound
        No TeX engine installed (the message says how to install one).
    TeXBuildError
        The engine failed or timed out; the message holds the first errors of the log.
    """
    out = check_output_path(out, (".pdf",))
    engine = find_engine()
    if engine is None:
        raise TeXNotFound(f"no TeX engine found (latexmk or pdflatex) to build {str(out)!r}; "
                          + INSTALL_HINT)
    name, exe = engine
    t0 = time.perf_counter()
    from certify.outputs import temp_folder

    with temp_folder("certify-tex-") as tmp:
        tex = Path(tmp) / "report.tex"
        tex.write_text(source, encoding="utf-8")
        for fname, data in (files or {}).items():
            if Path(fname).name != fname or fname in ("report.tex", "report.pdf"):
                raise InvalidInput(f"files: {fname!r} must be a plain file name other than "
                                   "report.tex/report.pdf")
            (Path(tmp) / fname).write_bytes(data)
        if name == "latexmk":
            cmds = [[exe, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                     "report.tex"]]
        else:
            one = [exe, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                   "report.tex"]
            cmds = [one, one]
        for cmd in cmds:
            try:
                proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True,
                                      timeout=timeout, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired as exc:
                raise TeXBuildError(f"{name} did not finish within {timeout:g} s") from exc
            log = (Path(tmp) / "report.log")
            log_text = log.read_text(errors="replace") if log.exists() else proc.stdout
            errors, warnings = parse_log(log_text)
            if proc.returncode != 0 or not (Path(tmp) / "report.pdf").exists():
                first = "; ".join(errors[:3]) or (proc.stdout + proc.stderr)[-600:]
                raise TeXBuildError(f"{name} failed (exit {proc.returncode}): {first}")
        write_atomic(out, (Path(tmp) / "report.pdf").read_bytes())
        if keep_tex:
            write_atomic(out.with_suffix(".tex"), source)
    return BuildResult(out, name, time.perf_counter() - t0, tuple(warnings))
