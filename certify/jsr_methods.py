"""Names of the JSR methods of :mod:`certify.jsr.bounds`, kept outside the package so that
the command line lists them without importing the engine and its solvers."""

METHODS: tuple[str, ...] = ("structure", "products", "gripenberg", "norms", "maxnorm", "lifting",
                            "exact", "polytope", "cqlf", "sos", "search", "dualsos")
DEFAULT_METHODS: tuple[str, ...] = ("structure", "products", "norms", "maxnorm", "exact",
                                    "polytope", "lifting", "search", "cqlf")
