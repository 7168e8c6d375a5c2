"""The five papers certify implements, cited in full in every report's bibliography.

The same entries as ``docs/references.md`` ("The five seed documents") and the README's
References section (a test keeps the three in step).  Reports cite them in the text as
``Lee (2026)`` etc. and end with a References list (plain LaTeX, no BibTeX run, so a report
fragment can be ``\\input`` into a paper with its own bibliography).

>>> REFERENCES["qlearning"].short
'Lee (2026)'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """One paper: how the text cites it and its full entry."""

    short: str
    authors: str
    title: str
    venue: str

    def full(self) -> str:
        return f"{self.authors}. {self.title}. {self.venue}."


REFERENCES: dict[str, Reference] = {
    "smooth": Reference("Lee and Na (2024)", "Donghwan Lee and Hyunjun Na",
                        "Toward a Unified Lyapunov-Certified ODE Convergence Analysis of Smooth "
                        "Q-Learning with p-Norms", "arXiv:2404.14442, 2024"),
    "ntk": Reference("Achiam, Knight and Abbeel (2019)", "Joshua Achiam, Ethan Knight and Pieter Abbeel",
                     "Towards Characterizing Divergence in Deep Q-Learning", "arXiv:1903.08894, 2019"),
    "qlearning": Reference("Lee (2026)", "Donghwan Lee",
                           "Lyapunov-Certified Direct Switching Theory for Q-Learning",
                           "arXiv:2604.19569, 2026"),
    "sa": Reference("Deb, Ganesh and Bhatnagar (2021)", "Rohan Deb, Swetha Ganesh and Shalabh Bhatnagar",
                    "Multi Timescale Stochastic Approximation: Stability and Convergence",
                    "arXiv:2112.03515, 2021"),
    "pg": Reference("Kerimkulov, Leahy, Šiška and Szpruch (2022)",
                    "Bekzhan Kerimkulov, James-Michael Leahy, David Šiška and Lukasz Szpruch",
                    "Convergence of Policy Gradient for Entropy Regularized MDPs with Neural "
                    "Network Approximation in the Mean-Field Regime",
                    "Proceedings of the 39th International Conference on Machine Learning "
                    "(ICML), PMLR 162, 2022; arXiv:2201.07296"),
}
"""Keyed by the command family that implements each paper."""

JSR_BOOK = Reference("Jungers (2009)", "Raphaël Jungers",
                     "The Joint Spectral Radius: Theory and Applications",
                     "Lecture Notes in Control and Information Sciences 385, Springer, 2009")
"""The reference text of the JSR literature ``jsr`` rests on (docs/references.md lists the
rest); not one of the five seed papers."""

COMMAND_PAPER = {"qlearning": "qlearning", "stepsize": "qlearning", "crossval": "qlearning",
                 "simulate": "qlearning", "smooth": "smooth", "ntk": "ntk", "sa": "sa",
                 "pg": "pg", "jsr": "jsr", "gallery": "jsr"}
"""The paper behind each command (``jsr``: :data:`JSR_BOOK`)."""


def references_tex(keys: list[str] | tuple[str, ...]) -> str:
    """A LaTeX References list (an unnumbered subsection) of the papers ``keys``, in order.

    Parameters
    ----------
    keys : sequence of str
        Keys of :data:`REFERENCES`; repeats and unknown keys are dropped.
    """
    from certify.report.latex import escape

    known = {**REFERENCES, "jsr": JSR_BOOK}
    seen = [known[k] for i, k in enumerate(keys) if k in known and k not in keys[:i]]
    if not seen:
        return ""
    items = "\n".join(f"\\item {escape(r.authors)}. \\emph{{{escape(r.title)}}}. {escape(r.venue)}."
                      for r in seen)
    return f"\\subsection*{{References}}\n\\begin{{itemize}}\n{items}\n\\end{{itemize}}\n"
