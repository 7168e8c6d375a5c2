"""PG certificates: mean-field margin and tabular step, JSON round trip, forgeries."""

import copy
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from certify.algorithms.pg.constants import bound_constants
from certify.algorithms.pg.meanfield import make_meanfield
from certify.certificates import certificate_from_dict
from certify.certificates.pg import MeanFieldMarginCertificate, TabularStepCertificate
from certify.cli import main
from certify.mdp import FiniteMDP, builtin_problem
from certify.verdict import Verdict

BANDIT = "gamma: 0.0\nP: [[[1.0], [1.0]]]\nR: [[1.0, 0.0]]\n"


def bandit_margin(kappa=50.0):
    mdp = FiniteMDP(np.ones((1, 2, 1)), [[1.0, 0.0]], 0.0, name="bandit", layout="SAS")
    mf = make_meanfield(mdp, 0.1, 1.0, kappa, 2)
    return MeanFieldMarginCertificate.from_meanfield(mf, bound_constants(mf))


def reload(cert):
    return certificate_from_dict(json.loads(json.dumps(cert.to_dict(cert.verify()))))


def test_margin_hand_value_and_round_trip():
    cert = bandit_margin()
    # gamma = 0, span 1, tau = 0.1, K = 2: Delta = 1 + 2 tau K = 1.4, sum|W| <= 0.7,
    # L <= 3K (Delta + Delta/2 + 2 tau) = 6 * 2.3, C2 <= 0.7 lambda_max[[s2, r3], [r3, 3 s2]]
    s2, r3 = 4 * math.sqrt(3) / 9, math.sqrt(3)
    h2 = (4 * s2 + math.sqrt(4 * s2**2 + 12)) / 2
    assert float(cert.l_bar) == pytest.approx(13.8, rel=1e-12)
    assert float(cert.c2_bar) == pytest.approx(0.7 * h2, rel=1e-12)
    assert float(cert.margin) == pytest.approx(25 - 0.7 * h2 - 13.8, rel=1e-12)
    assert np.linalg.eigvalsh([[s2, r3], [r3, 3 * s2]]).max() == pytest.approx(h2, rel=1e-12)
    back = reload(cert)
    assert isinstance(back, MeanFieldMarginCertificate)
    assert back.verify().verdict is Verdict.CERTIFIED
    assert back.c2_bar == cert.c2_bar and back.l_bar == cert.l_bar and back.claim() == cert.claim()
    assert "\\beta" in back.to_latex()


def forge(cert, path, value):
    data = copy.deepcopy(cert.to_dict())
    node = data["witness"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return certificate_from_dict(json.loads(json.dumps(data)))


@pytest.mark.parametrize("path, value, words", [
    (("c2_bar",), "2", "C2_bar"),  # true bound ~2.40
    (("l_bar",), "13", "L_bar"),  # true bound 13.8
    (("ingredients", "delta"), "1", "delta"),
    (("R",), [[2.0, 0.0]], "below"),  # wider reward span: the stored bounds no longer hold
    (("gamma",), 0.5, "below"),
    (("width",), 3, "below"),
    (("kappa",), 30.0, "not > 0"),  # 15 - 2.4 - 13.8 < 0
])
def test_forged_margin_refused(path, value, words):
    res = forge(bandit_margin(), path, value).verify()
    assert res.verdict is Verdict.INCONCLUSIVE and "refused" in res.reason and words in res.reason


def test_margin_not_positive_is_not_certified():
    cert = bandit_margin(kappa=1.0)
    res = cert.verify()
    assert cert.margin < 0 and res.verdict is Verdict.INCONCLUSIVE


BETA_S = 8 + 0.5 * (4 + 8 * math.log(2))  # span of R + tau ln mu is 1 with uniform mu


def tabular_cert(eta=None):
    mdp = FiniteMDP(np.ones((1, 2, 1)), [[1.0, 0.0]], 0.0, layout="SAS")
    mu, bound = np.array([0.5, 0.5]), BETA_S
    return TabularStepCertificate.from_problem(mdp, 0.5, mu, eta or 1 / (bound * (1 + 1e-9))), bound


def test_tabular_step_hand_value_and_round_trip():
    cert, bound = tabular_cert()
    assert float(cert.beta_s_bar) == pytest.approx(bound, rel=1e-12)
    back = reload(cert)
    assert isinstance(back, TabularStepCertificate)
    assert back.verify().verdict is Verdict.CERTIFIED and back.eta == cert.eta


def test_tabular_step_too_large_refused():
    cert, _ = tabular_cert(eta=1 / (BETA_S * (1 - 1e-9)))
    res = cert.verify()
    assert res.verdict is Verdict.INCONCLUSIVE and "> 1" in res.reason


@pytest.mark.parametrize("path, value, words", [
    (("beta_s_bar",), "10", "below"),  # true bound 12.77
    (("R",), [[3.0, 0.0]], "below"),
    (("mu",), [1.0, 0.0], "positive"),
    (("gamma",), 0.5, "below"),
])
def test_forged_tabular_refused(path, value, words):
    cert, _ = tabular_cert()
    res = forge(cert, path, value).verify()
    assert res.verdict is Verdict.INCONCLUSIVE and words in res.reason


def test_non_uniform_mu_widens_the_span():
    mdp = builtin_problem("garnet:3:2:2:0").mdp
    mu = np.array([0.25, 0.75])
    cert = TabularStepCertificate.from_problem(mdp, 0.5, mu, 1e-6)
    r = mdp.R + 0.5 * np.log(mu)
    spn = r.max() - r.min()
    expected = (8 * spn + 0.5 * (4 + 8 * math.log(2))) / (1 - mdp.gamma) ** 3
    assert float(cert.beta_s_bar) == pytest.approx(expected, rel=1e-9)
    assert cert.beta_s_bar >= Fraction(expected) * (1 - Fraction(1, 10**9))
    assert cert.verify().certified


def test_cli_save_and_verify(tmp_path, capsys):
    mdp = tmp_path / "bandit.yaml"
    mdp.write_text(BANDIT)
    mf_file, tab_file = tmp_path / "mf.json", tmp_path / "tab.json"
    assert main(["pg", "meanfield", str(mdp), "--tau", "0.1", "--sigma", "1", "--kappa", "50",
                 "--width", "2", "--save-certificate", str(mf_file), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["certificate_file"] == str(mf_file) and doc["certificate"]["verdict"] == "certified"
    assert main(["pg", "tabular", str(mdp), "--tau", "0.5", "--steps", "20",
                 "--save-certificate", str(tab_file)]) == 0
    capsys.readouterr()
    assert main(["verify", str(mf_file), str(tab_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["kind"] for o in out] == ["pg-meanfield-margin", "pg-tabular-step"]
    # a tampered file is refused: exit 1
    data = json.loads(mf_file.read_text())
    data["witness"]["l_bar"] = "1"
    mf_file.write_text(json.dumps(data))
    assert main(["verify", str(mf_file)]) == 1


def test_cli_does_not_write_uncertified(tmp_path, capsys):
    mdp = tmp_path / "bandit.yaml"
    mdp.write_text(BANDIT)
    out = tmp_path / "mf.json"
    assert main(["pg", "meanfield", str(mdp), "--tau", "0.1", "--sigma", "1", "--kappa", "1",
                 "--save-certificate", str(out), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert not out.exists() and doc["certificate_file"] is None
    assert "not > 0" in doc["certificate_note"]


def test_empty_or_ragged_rewards_refused_not_crash():
    for cert in (bandit_margin(),
                 TabularStepCertificate(Fraction(0), np.array([[1.0, 0.0]]), Fraction(1, 10),
                                        np.array([0.5, 0.5]), Fraction(1, 100), Fraction(100))):
        for bad in (np.zeros((0, 2)), np.zeros((1, 0))):
            from dataclasses import replace
            chk = replace(cert, rewards=bad).verify()
            assert chk.verdict is Verdict.INCONCLUSIVE and "R" in chk.reason


def test_failed_margin_claim_does_not_contradict_itself():
    """A negative margin is reported as 'not > 0', never as 'beta >= -x > 0'."""
    from certify.algorithms.pg.meanfield import make_meanfield

    mdp = FiniteMDP(np.ones((1, 3, 1)), [[1.0, 0.5, 0.0]], 0.0, name="bandit", layout="SAS")
    mf = make_meanfield(mdp, 0.1, 1.0, 1.0, 2)
    cert = MeanFieldMarginCertificate.from_meanfield(mf, bound_constants(mf))
    assert cert.margin < 0 and cert.verify().verdict is Verdict.INCONCLUSIVE
    text = cert.claim()
    assert "not > 0" in text and ">= -" in text and "> 0 (" not in text
