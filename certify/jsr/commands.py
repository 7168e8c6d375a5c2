"""The JSR engine's entry in the command registry (:mod:`certify.commands`)."""

from __future__ import annotations


def run_jsr(family, methods=None, budget: float = 30.0) -> dict:
    """Commands-registry entry: the document of ``certify jsr --json``.

    Parameters
    ----------
    family : str, list or MatrixFamily
        A family file (.json / .npz), a list of square matrices, or a family.
    methods : str, optional
        Comma-separated methods (see ``certify jsr --help``); default the engine's.
    budget : float
        Wall-clock seconds.
    """
    from certify.jsr.bounds import analyze_jsr

    return analyze_jsr(family, methods, budget).to_dict()
