"""pytest plugin: ``pytest --certify-claims claims.yaml`` runs claims as test items.

Registered through the ``pytest11`` entry point.  The claims machinery itself lives in
:mod:`certify.claims`; this module only adapts it to pytest.
"""

from __future__ import annotations


def pytest_addoption(parser) -> None:
    group = parser.getgroup("certify")
    group.addoption("--certify-claims", action="append", default=[], metavar="CLAIMS.yaml",
                    help="run the claims of a certify claims file as test items")
