"""The trusted base: certificate modules reach only the kernel (docs/trust.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from certify import trust
from certify.certificates.kinds import KINDS
from certify.families.matrix import FAMILY_TYPES

MODULES = trust.certificate_modules()


@pytest.mark.parametrize("module", MODULES)
def test_certificate_and_family_modules_import_only_their_trusted_set(module):
    assert trust.outside(trust.closure((module,)), trust.allowed_for(module)) == []


def test_a_search_import_would_be_caught(tmp_path, monkeypatch):
    """The checker sees a function-level import of search code (the NTK certificate once
    called the analysis it should check)."""
    fake = trust.ROOT / "certificates" / "_probe_for_test.py"
    fake.write_text("def verify():\n    from certify.jsr.bounds import analyze_jsr\n")
    try:
        bad = trust.outside(trust.closure(("certify.certificates._probe_for_test",)))
    finally:
        fake.unlink()
    assert "certify.jsr.bounds" in bad


def test_registries_are_explicit_and_point_into_the_trusted_packages():
    for target in [*KINDS.values(), *FAMILY_TYPES.values()]:
        module = target.partition(":")[0]
        assert module.startswith(("certify.certificates.", "certify.families.")), target
        assert module in MODULES


def test_every_kind_is_listed_under_its_class():
    from certify.certificates.base import certificate_class

    for kind in KINDS:
        assert certificate_class(kind).kind == kind


def test_code_line_count_matches_a_hand_count(tmp_path):
    src = ('"""Doc\n\nstring."""\n# comment\n\nimport os  # trailing\n\n\n'
           'def f(x):\n    """Doc."""\n    return (x +\n            1)\n')
    p = tmp_path / "m.py"
    p.write_text(src)
    assert trust.code_lines(p) == 4  # import, def, and the two lines of the return
    assert len(src.splitlines()) == 12
    ast.parse(src)


def test_trust_md_names_every_kernel_file():
    text = (Path(trust.ROOT).parent / "docs" / "trust.md").read_text()
    for p in trust.kernel_files():
        assert str(p.relative_to(trust.ROOT.parent)) in text, p


def test_each_non_pg_verdict_is_within_the_budget():
    """What a reviewer reads to trust one verdict (a kind, about any family type)."""
    sizes = trust.verdict_sizes()
    assert set(sizes) == set(KINDS)
    over = {k: s.code_lines for k, s in sizes.items()
            if s.code_lines >= trust.VERDICT_BUDGET and not k.startswith("pg-")}
    assert over == {}
    # the union is larger than any one verdict, and each verdict includes the core
    union = trust.size(trust.kernel_files()).code_lines
    assert max(s.code_lines for k, s in sizes.items() if not k.startswith("pg-")) < union
    core = set(trust.closure(("certify.certificates.base",)))
    assert all(core <= set(trust.verdict_files(k)) for k in KINDS)


def test_rendering_methods_import_only_the_latex_module():
    """claim_latex / to_latex live outside the base; their imports reach nothing else."""
    for path in trust.closure():
        assert trust.imports_of(path, rendering=True) <= {trust.RENDERING_MODULE}, path
    assert trust.RENDERING_MODULE not in {trust._module_name(p) for p in trust.closure()}


def test_verifying_a_saved_certificate_runs_no_rendering(tmp_path):
    """Loading and verifying a certificate never imports the LaTeX module (nor any module
    outside the trusted base); writing it (to_dict) does."""
    import subprocess
    import sys

    from certify.jsr.bounds import analyze_jsr

    res = analyze_jsr([np.array([[0.5, 0.25], [0.0, 0.5]])], "products,norms", 10)
    kinds = []
    for i, rec in enumerate(res.certificates):
        rec.certificate.save(tmp_path / f"{i}.json")
        kinds.append(rec.certificate.kind)
    assert "product-word" in kinds and len(kinds) >= 2
    code = ("import glob, sys\nfrom certify.certificates import load_certificate\n"
            f"for f in sorted(glob.glob({str(tmp_path / '*.json')!r})):\n"
            "    assert load_certificate(f).verify().certified\n"
            "print(sorted(m for m in sys.modules if m.startswith('certify')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = eval(out)
    assert trust.RENDERING_MODULE not in loaded
    base = {trust._module_name(p) for p in trust.kernel_files()} | {"certify"}
    assert set(loaded) <= base
