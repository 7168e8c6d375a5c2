"""The public API re-exported from ``certify`` resolves, and docstrings carry their formulas."""

import importlib
import inspect

import certify


def test_every_lazy_name_resolves():
    for name, module in certify._LAZY.items():
        obj = getattr(certify, name)
        assert obj is getattr(importlib.import_module(module), name)


def test_public_functions_have_docstrings():
    missing = []
    for name in dir(certify):
        if name.startswith("_"):
            continue
        obj = getattr(certify, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and not inspect.getdoc(obj):
            missing.append(name)
    assert not missing, f"public names without a docstring: {missing}"
