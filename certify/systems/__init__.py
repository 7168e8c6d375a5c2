"""Algorithms written as dynamical systems."""

from .qlearning import (
    DirectFamily as DirectFamily,
)
from .qlearning import (
    comparison_systems as comparison_systems,
)
from .qlearning import (
    row_sum_rate as row_sum_rate,
)
