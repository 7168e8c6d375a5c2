"""Summary statistics of simulated errors at recorded times (what ``simulate --json`` prints)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class ErrorStats:
    """Mean, standard error, quantiles and maximum across runs at each recorded time."""

    times: np.ndarray
    mean: np.ndarray
    sem: np.ndarray
    quantiles: dict[float, np.ndarray]
    max: np.ndarray
    runs: int

    def to_dict(self) -> dict:
        return {"times": self.times.tolist(), "mean": self.mean.tolist(), "sem": self.sem.tolist(),
                "quantiles": {f"{q:g}": v.tolist() for q, v in self.quantiles.items()},
                "max": self.max.tolist(), "runs": self.runs}


def error_stats(times: np.ndarray, values: np.ndarray) -> ErrorStats:
    """Statistics over axis 0 (runs) of ``values`` (runs, T).

    sem = sample standard deviation / sqrt(runs) (0 for a single run).
    """
    values = np.asarray(values, dtype=float)
    runs = values.shape[0]
    sd = values.std(axis=0, ddof=1) if runs > 1 else np.zeros(values.shape[1])
    qs = np.quantile(values, QUANTILES, axis=0)
    return ErrorStats(np.asarray(times), values.mean(axis=0), sd / np.sqrt(runs),
                      {q: qs[i] for i, q in enumerate(QUANTILES)}, values.max(axis=0), runs)
