"""Certificates are bound to the data they are about (subject hash, ``verify --against``)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from certify.certificates.family_maxnorm import FamilyMaxNormCertificate
from certify.certificates.subject import subject_hash, subject_of
from certify.cli import main
from certify.families.matrix import MatrixFamily
from certify.verdict import Verdict

FORGED_NAME = "direct family of seed-sls, alpha=0.5"


def forged_certificate(path):
    """A true claim about the 1x1 family [[0.05]] (JSR 0.05 <= 0.1), labelled as if it were
    about the direct family of seed-sls at alpha 0.5 (whose JSR is 0.99447)."""
    cert = FamilyMaxNormCertificate(MatrixFamily((np.array([[0.05]]),), FORGED_NAME),
                                    (Fraction(1),), Fraction(1, 10))
    path.write_text(json.dumps(cert.to_dict(cert.verify())))
    return path


@pytest.fixture(scope="module")
def seed_sls_certs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("certs") / "new" / "folder"  # created by the command
    assert main(["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no",
                 "--save-certificates", str(folder)]) == 0
    files = sorted(str(p) for p in folder.glob("*.json"))
    assert [p.rsplit("/", 1)[1] for p in files] == ["direct_lower.json", "direct_upper.json"]
    return files


def test_forged_family_passes_alone_but_says_what_it_is_about(tmp_path, capsys):
    f = forged_certificate(tmp_path / "forged.json")
    assert main(["verify", str(f)]) == 0  # the claim is true of the family it embeds ...
    out = capsys.readouterr().out
    assert "a family of 1 matrices of size 1x1" in out  # ... and the output says which


def test_forged_family_is_refused_against_the_problem_it_names(tmp_path, capsys):
    f = forged_certificate(tmp_path / "forged.json")
    assert main(["verify", str(f), "--against", "seed-sls", "--alpha", "0.5", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc[0]["verdict"] == "inconclusive"
    assert doc[0]["reason"].startswith("refused: the certificate is about a family of 1 matrices")
    assert doc[0]["against"]["sha256"] != doc[0]["sha256"]


def test_seed_sls_certificates_match_seed_sls_and_not_random_walk(seed_sls_certs, capsys):
    assert main(["verify", *seed_sls_certs, "--against", "seed-sls", "--alpha", "0.5"]) == 0
    capsys.readouterr()
    assert main(["verify", *seed_sls_certs, "--against", "random-walk-5", "--alpha", "0.5",
                 "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [d["verdict"] for d in doc] == ["inconclusive", "inconclusive"]
    assert all("not random-walk-5" in d["reason"] for d in doc)
    # the same MDP at another step size is another family
    assert main(["verify", seed_sls_certs[0], "--against", "seed-sls", "--alpha", "0.25"]) == 1


def test_an_mdp_needs_alpha(seed_sls_certs, capsys):
    assert main(["verify", seed_sls_certs[0], "--against", "seed-sls"]) == 2
    assert "needs --alpha" in capsys.readouterr().err


def test_an_edited_subject_hash_is_refused(seed_sls_certs, tmp_path, capsys):
    doc = json.loads(open(seed_sls_certs[1]).read())
    doc["subject"]["sha256"] = "0" * 64
    f = tmp_path / "edited.json"
    f.write_text(json.dumps(doc))
    assert main(["verify", str(f), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out[0]["verdict"] == Verdict.INCONCLUSIVE.value and "was edited" in out[0]["reason"]


def test_subject_hash_ignores_labels_and_sees_every_entry():
    a = {"family": {"type": "matrices", "name": "one", "matrices": [[[0.5, 0.25], [0.0, 1.0]]]}}
    b = {"family": {"type": "matrices", "name": "two", "matrices": [[[0.5, 0.25], [0.0, 1.0]]]}}
    c = {"family": {"type": "matrices", "name": "one",
                    "matrices": [[[0.5, 0.25], [0.0, np.nextafter(1.0, 2.0)]]]}}
    ha, hb, hc = (subject_hash(subject_of(x, ("family",))) for x in (a, b, c))
    assert ha == hb
    assert ha != hc
    # the hash is SHA-256 of the canonical JSON, computed independently here
    import hashlib
    canon = '{"family":{"matrices":[[[0.5,0.25],[0.0,1.0]]],"type":"matrices"}}'
    assert ha == hashlib.sha256(canon.encode()).hexdigest()
