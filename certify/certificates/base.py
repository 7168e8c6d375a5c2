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

from certify.certificates.subject import describe_subject, subject_hash, subject_of
from certify.errors import InvalidCertificate
from certify.verdict import Verdict


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

    Subclasses set ``kind`` and implement :meth:`claim`, :meth:`verify`,
    :meth:`witness_dict` and :meth:`from_dict`.  The LaTeX of the claim and of the argument
    (:meth:`claim_latex`, :meth:`to_latex`) lives in :mod:`certify.report.certificate_latex`,
    outside the trusted base: it never decides a verdict.  ``solver`` records how the
    witness was found (solver name, status, tolerances); it never enters the verdict.
    """

    kind: ClassVar[str] = "abstract"
    #: Witness fields holding the problem data the claim is about (see ``subject``).
    subject_fields: ClassVar[tuple[str, ...]] = ("family",)

    @abstractmethod
    def claim(self) -> str:
        """The claim in words, e.g. ``JSR <= 0.9731``."""

    def claim_latex(self) -> str:
        """The claim in LaTeX (math mode content; :mod:`certify.report.certificate_latex`)."""
        from certify.report.certificate_latex import claim_latex

        return claim_latex(self)

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

    def subject(self) -> dict:
        """The exact problem data the claim is about (:mod:`certify.certificates.subject`)."""
        return subject_of(self.witness_dict(), self.subject_fields)

    def subject_hash(self) -> str:
        """SHA-256 of :meth:`subject`: ties a saved certificate to its problem."""
        return subject_hash(self.subject())

    def to_dict(self, verified: CheckResult | None = None) -> dict:
        witness = self.witness_dict()
        subject = subject_of(witness, self.subject_fields)
        out: dict[str, Any] = {
            "kind": self.kind,
            "claim": self.claim(),
            "claim_latex": self.claim_latex(),
            "subject": {"sha256": subject_hash(subject), "about": describe_subject(subject)},
            "witness": witness,
            "solver": self.solver,
        }
        if verified is not None:
            out["verdict"] = verified.verdict.value
            out["check"] = verified.to_dict()
        return out

    def to_latex(self) -> str:
        """A short LaTeX paragraph stating the claim and how the witness proves it
        (:mod:`certify.report.certificate_latex`)."""
        from certify.report.certificate_latex import to_latex

        return to_latex(self)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(self.verify()), indent=1))


def register(cls: type[Certificate]) -> type[Certificate]:
    """Class decorator: check that the kind is listed in :data:`certify.certificates.kinds.KINDS`
    under this class (the registry is that explicit mapping; nothing is registered at import)."""
    from certify.certificates.kinds import KINDS

    target = f"{cls.__module__}:{cls.__name__}"
    if KINDS.get(cls.kind) != target:
        raise RuntimeError(f"certificate kind {cls.kind!r}: add \"{cls.kind}\": \"{target}\" to "
                           "certify/certificates/kinds.py")
    return cls


def certificate_kinds() -> list[str]:
    """Every certificate kind, sorted."""
    from certify.certificates.kinds import KINDS

    return sorted(KINDS)


def certificate_class(kind: str) -> type[Certificate]:
    """The class of ``kind``, importing its module only.

    Raises
    ------
    InvalidCertificate
        Unknown kind.
    """
    import importlib

    from certify.certificates.kinds import KINDS

    if kind not in KINDS:
        raise InvalidCertificate(f"certificate: unknown kind {kind!r}; known kinds are "
                                 f"{certificate_kinds()}")
    module, _, name = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def certificate_from_dict(data: object) -> Certificate:
    """Rebuild any registered certificate from its JSON form.

    Parameters
    ----------
    data : dict
        The JSON form (:meth:`Certificate.to_dict`).

    Raises
    ------
    InvalidCertificate
        Not a mapping, unknown kind, missing or malformed fields.
    """
    if not isinstance(data, dict) or "kind" not in data:
        raise InvalidCertificate("certificate: expected a mapping with a 'kind' entry")
    kind = data["kind"]
    if not isinstance(kind, str):
        raise InvalidCertificate(f"certificate: kind must be a string, found {kind!r}")
    cls = certificate_class(kind)
    try:
        return cls.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidCertificate):
            raise
        raise InvalidCertificate(f"certificate of kind {kind!r}: malformed ({exc!r})") from exc


def read_certificate_document(path: str | Path) -> Any:
    """The JSON document of a saved certificate, read safely (not yet validated).

    Parameters
    ----------
    path : str or Path
        The JSON file.
    """
    from certify.safejson import load_json, read_text

    text = read_text(path, "certificate file", InvalidCertificate)  # regular UTF-8 file
    return load_json(text, str(path), InvalidCertificate)  # depth checked before parsing


def load_certificate(path: str | Path) -> Certificate:
    """Read a certificate saved as JSON (``Certificate.save``) and rebuild it.

    Parameters
    ----------
    path : str or Path
        The JSON file.
    """
    return certificate_from_dict(read_certificate_document(path))


def exact_bound(cert: object, side: str) -> Any:
    """The exact rational a certificate proves on ``side`` ("lower", "upper"; "exact" gives
    the upper end of its bracket), or None when the bound is not a rational (an n-th root).

    Read from ``bracket()`` when the certificate has one, else from its ``bound``, ``rate``
    or ``beta`` field; used for the ``*_exact`` fields of the JSON documents.
    """
    from fractions import Fraction

    if cert is None:
        return None
    if hasattr(cert, "bracket"):
        lo, hi = cert.bracket()
        v = lo if side == "lower" else hi
        return v if isinstance(v, Fraction | int) else None
    for name in ("bound", "rate", "beta"):
        v = getattr(cert, name, None)
        if isinstance(v, Fraction):
            return v
    return None
