"""Shared test configuration."""

import os

import matplotlib
import pytest

matplotlib.use("Agg")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def overlap_free_bounds():
    """The overlap-free family's JSR proved once per session (shared by the gallery and
    exact-cone tests: it is the slowest proof of the suite)."""
    from certify.jsr.bounds import analyze_jsr
    from certify.jsr.gallery import gallery_entry

    return analyze_jsr(gallery_entry("overlap_free").family, budget=30)
