"""Shared test configuration."""

import os

import matplotlib

matplotlib.use("Agg")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
