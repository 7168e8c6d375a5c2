"""Claims files: theory claims checked by running certify commands (``certify check``)."""

from certify.claims.files import AssertionSyntaxError as AssertionSyntaxError
from certify.claims.files import AssertionTypeError as AssertionTypeError
from certify.claims.files import ClaimsRun as ClaimsRun
from certify.claims.files import MissingField as MissingField
from certify.claims.files import computation_key as computation_key
from certify.claims.files import evaluate as evaluate
from certify.claims.files import junit_xml as junit_xml
from certify.claims.files import load_claims as load_claims
from certify.claims.files import parse_assertion as parse_assertion
from certify.claims.files import run_claim as run_claim
from certify.claims.files import run_claims as run_claims
