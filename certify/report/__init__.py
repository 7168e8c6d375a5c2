"""LaTeX reports of certified bounds and of claims files (templates, plots, PDF build)."""

from .build import BuildResult as BuildResult
from .build import TeXBuildError as TeXBuildError
from .build import TeXNotFound as TeXNotFound
from .build import build_pdf as build_pdf
from .build import write_atomic as write_atomic
from .qlearning import qlearning_report as qlearning_report
