"""pytest plugin: ``pytest --certify-claims claims.yaml`` runs claims as test items.

Registered through the ``pytest11`` entry point.  The claims machinery itself lives in
:mod:`certify.claims`; this module only adapts it to pytest: each claims file becomes a
collector whose items are its claims (node id ``<file>::<claim name>``).  Computations
with equal parameters run once per session.  An invalid claims file stops the session with
a usage error naming the file and line.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser) -> None:
    group = parser.getgroup("certify")
    group.addoption("--certify-claims", action="append", default=[], metavar="CLAIMS.yaml",
                    help="run the claims of a certify claims file as test items")


class ClaimFailed(Exception):
    """A claim did not hold (the message carries the computed values)."""


class ClaimItem(pytest.Item):
    def __init__(self, *, claim, cache: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.cache = cache

    def runtest(self) -> None:
        from certify.claims import run_claim

        out = run_claim(self.claim, self.cache)
        self.user_properties.append(("values", out.values))
        if not out.passed:
            raise ClaimFailed(f"[{out.status}] {out.message}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return f"{self.claim.where}: claim {self.claim.name!r}\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.claim.line - 1, f"claim: {self.claim.name}"


class ClaimsFileCollector(pytest.File):
    def collect(self):
        from certify.claims import load_claims

        cf = load_claims(self.path)
        cache: dict = {}
        for claim in cf.claims:
            yield ClaimItem.from_parent(self, name=claim.name, claim=claim, cache=cache)


def pytest_collection_modifyitems(session, config, items) -> None:
    from certify.errors import CertifyError

    files = config.getoption("certify_claims") or []
    seen = {it.nodeid for it in items}
    for f in files:
        from certify.data import resolve

        try:
            path = resolve("claims", f).resolve()  # a file, or a packaged name (seed-002)
        except CertifyError as exc:
            raise pytest.UsageError(f"--certify-claims: {exc}") from None
        if not path.is_file():
            raise pytest.UsageError(f"--certify-claims: no such file {f!r}")
        col = ClaimsFileCollector.from_parent(session, path=path)
        try:
            new = list(col.collect())
        except CertifyError as exc:
            raise pytest.UsageError(f"--certify-claims: {exc}") from None
        items.extend(it for it in new if it.nodeid not in seen)
