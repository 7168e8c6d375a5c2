"""The registry of certificate kinds: an explicit mapping from a kind to its class.

``certificate_from_dict`` imports only the module of the kind it reads, so re-checking one
certificate runs the code of that kind and of the trusted kernel, nothing else
(``docs/trust.md``; ``tests/test_trusted_base.py`` keeps it so).
"""

KINDS: dict[str, str] = {
    "algebraic-balanced-polytope": "certify.certificates.algebraic_balanced:AlgebraicBalancedCertificate",
    "algebraic-polytope": "certify.certificates.algebraic_polytope:AlgebraicPolytopeCertificate",
    "block-triangular": "certify.certificates.structure:BlockTriangularCertificate",
    "collatz-lower": "certify.certificates.collatz:CollatzLowerCertificate",
    "complex-balanced-polytope": "certify.certificates.complex_balanced:ComplexBalancedCertificate",
    "exact-value": "certify.certificates.norm:ExactValueCertificate",
    "family-weighted-max-norm": "certify.certificates.family_maxnorm:FamilyMaxNormCertificate",
    "induced-norm": "certify.certificates.norm:InducedNormCertificate",
    "invariant-polytope": "certify.certificates.polytope:PolytopeCertificate",
    "ntk-theorem2": "certify.certificates.ntk:NTKContractionCertificate",
    "pg-meanfield-margin": "certify.certificates.pg:MeanFieldMarginCertificate",
    "pg-tabular-step": "certify.certificates.pg:TabularStepCertificate",
    "product-word": "certify.certificates.product_word:ProductWordCertificate",
    "quadratic": "certify.certificates.quadratic:QuadraticCertificate",
    "rank-one-cycle": "certify.certificates.structure:RankOneCertificate",
    "smooth-pnorm-lyapunov": "certify.certificates.pnorm:PNormLyapunovCertificate",
    "sos": "certify.certificates.sos:SOSCertificate",
    "weighted-max-norm": "certify.certificates.maxnorm:WeightedMaxNormCertificate",
    "zero-jsr": "certify.certificates.structure:NilpotentCertificate",
}
