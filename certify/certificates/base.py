"""The certificate protocol: a claim, its witness data, an exact ``verify()``.

Every certificate kind subclasses :class:`Certificate`, registers itself with
:func:`register`, and can be rebuilt from its JSON form with :func:`certificate_from_dict`
so that a later run (or CI with no solver installed) re-checks it from the file alone.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..errors import InvalidCertificate
from ..verdict import Verdict


@dataclass(frozen=True)
class CheckResult:
    """Outcome of ``Certificate.verify()``.

    Attributes
    ----------
    verdict : Verdict
    reason : str
        One sentence: what was checked and how it came out.
    diagnostics : dict
        Numbers behind the verdict (minimum pivot, worst row, exact ratio ...), JSON-ready.
    """

    verdict: Verdict
    reason: str
    diagnostics: dict = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.verdict is Verdict.CERTIFIED

    def to_dict(self) -> dict:
        return {"verdict": self.verdict.value, "reason": self.reason,
                "diagnostics": self.diagnostics}


class Certificate(ABC):
    """Base class of certificate kinds.

    Subclasses set ``kind`` and implement :meth:`claim`, :meth:`claim_latex`,
    :meth:`verify`, :meth:`witness_dict` and :meth:`from_dict`.  ``solver`` records how the
    witness was found (solver name, status, tolerances); it never enters the verdict.
    """

    kind: ClassVar[str] = "abstract"

    @abstractmethod
    def claim(self) -> str:
        """The claim in words, e.g. ``JSR <= 0.9731``."""

    @abstractmethod
    def claim_latex(self) -> str:
        """The claim in LaTeX (math mode content)."""

    @abstractmethod
    def verify(self) -> CheckResult:
        """Check the claim from the witness data alone, exactly."""

    @abstractmethod
    def witness_dict(self) -> dict:
        """The witness data, JSON-ready (rationals as strings)."""

    @classmethod
    @abstractmethod
    def from_dict(cls, data: dict) -> Certificate:
        """Rebuild from :meth:`to_dict` output."""

    @property
    def solver(self) -> dict:
        return getattr(self, "_solver", {}) or {}

    def to_dict(self, verified: CheckResult | None = None) -> dict:
        out: dict[str, Any] = {
            "kind": self.kind,
            "claim": self.claim(),
            "claim_latex": self.claim_latex(),
            "witness": self.witness_dict(),
            "solver": self.solver,
        }
        if verified is not None:
            out["verdict"] = verified.verdict.value
            out["check"] = verified.to_dict()
        return out

    def to_latex(self) -> str:
        """A short LaTeX paragraph stating the claim (subclasses add the witness)."""
        return f"Claim: ${self.claim_latex()}$."

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(self.verify()), indent=1))


_KINDS: dict[str, type[Certificate]] = {}


def register(cls: type[Certificate]) -> type[Certificate]:
    """Class decorator: make ``certificate_from_dict`` know this kind."""
    _KINDS[cls.kind] = cls
    return cls


def certificate_kinds() -> list[str]:
    from . import kinds  # noqa: F401

    return sorted(_KINDS)


def certificate_from_dict(data: object) -> Certificate:
    """Rebuild any registered certificate from its JSON form.

    Raises
    ------
    InvalidCertificate
        Not a mapping, unknown kind, missing or malformed fields.
    """
    from . import kinds  # noqa: F401  (registers every kind)

    if not isinstance(data, dict) or "kind" not in data:
        raise InvalidCertificate("certificate: expected a mapping with a 'kind' entry")
    kind = data["kind"]
    if kind not in _KINDS:
        raise InvalidCertificate(
            f"certificate: unknown kind {kind!r}; known kinds are {certificate_kinds()}"
        )
    try:
        return _KINDS[kind].from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidCertificate):
            raise
        raise InvalidCertificate(f"certificate of kind {kind!r}: malformed ({exc!r})") from exc


def load_certificate(path: str | Path) -> Certificate:
    """Read a certificate saved as JSON (``Certificate.save``) and rebuild it."""
    from ..safeio import load_json, read_text

    text = read_text(path, "certificate file", InvalidCertificate)  # regular UTF-8 file
    data = load_json(text, str(path), InvalidCertificate)  # depth checked before parsing
    return certificate_from_dict(data)
