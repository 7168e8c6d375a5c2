"""LaTeX reports of certified bounds and of claims files (templates, plots, PDF build)."""

from certify.report.build import BuildResult as BuildResult
from certify.report.build import TeXBuildError as TeXBuildError
from certify.report.build import TeXNotFound as TeXNotFound
from certify.report.build import build_pdf as build_pdf
from certify.report.build import write_atomic as write_atomic
