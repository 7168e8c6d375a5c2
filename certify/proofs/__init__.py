"""Symbolic proofs (sympy) of the lemmas certify relies on, one file a lemma.

Each module runs as ``python -m certify.proofs.NAME``: it prints what it proved and exits non-zero
on failure.  ``tests/test_proofs.py`` runs them all.
"""
