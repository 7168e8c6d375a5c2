"""Certificate objects: found numerically, verified exactly, rendered to JSON and LaTeX.

Concrete kinds live in their own modules and register themselves; ``kinds.py`` imports
them all so that :func:`certificate_from_dict` knows every kind.
"""

from certify.certificates.base import (
    Certificate as Certificate,
)
from certify.certificates.base import (
    CheckResult as CheckResult,
)
from certify.certificates.base import (
    certificate_from_dict as certificate_from_dict,
)
from certify.certificates.base import (
    load_certificate as load_certificate,
)
