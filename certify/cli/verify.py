"""``certify verify CERT.json [--against PROBLEM [--alpha A]]``: re-check saved certificates.

Without ``--against`` a certificate is checked from the file alone, and the output says what
it is about (the data its witness embeds, and that data's SHA-256).  With ``--against`` the
subject is rebuilt from PROBLEM (a family file, a gallery name, or an MDP with ``--alpha``
for the Q-learning direct family) and a certificate about other data is refused: exit 1 and
one line saying which data each side holds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from certify.cli.common import add_json_flag, add_sampling_argument, console, emit, escape, real, verdict_text
from certify.verdict import Verdict


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="re-check saved certificates exactly",
                       description="Re-check saved certificates exactly.  With --against, also "
                                   "check that each certificate is about PROBLEM's data.")
    p.add_argument("files", nargs="+", metavar="CERT.json",
                   help="certificate files written by --save-certificates / "
                        "--save-certificate")
    p.add_argument("--against", metavar="PROBLEM", default=None,
                   help="a family file (.json/.npz), a gallery family name, or an MDP (with "
                        "--alpha) whose data the certificates must be about")
    p.add_argument("--alpha", type=real, default=None,
                   help="step size of the Q-learning direct family built from an MDP PROBLEM")
    add_sampling_argument(p)
    add_json_flag(p)
    p.set_defaults(handler=run)


def expected_subject(cert, against: str, alpha: float | None, sampling: str | None) -> dict:
    """The subject a certificate of ``cert``'s kind would have for the problem ``against``.

    Raises
    ------
    InvalidInput
        The kind has no rebuildable subject, or an MDP is given without ``--alpha``.
    """
    from certify.certificates.subject import subject_of
    from certify.errors import InvalidInput

    if cert.subject_fields == ("family",):
        family = _family_of(against, alpha, sampling)
        return subject_of({"family": family.spec()}, ("family",))
    if cert.kind == "smooth-pnorm-lyapunov":
        problem, samp = _problem(against, sampling)
        mine = cert.witness_dict()
        rebuilt = type(cert)(mine["operator"], problem.mdp.gamma, problem.mdp.P_matrix,
                             tuple(samp.d.tolist()), problem.mdp.n_actions, cert.p, cert.u, cert.c,
                             cert.argument, cert.grad_bound)
        return rebuilt.subject()
    raise InvalidInput(f"--against: certificates of kind {cert.kind!r} embed their whole problem "
                       "(compare them by the subject hash that plain `certify verify` prints)")


def _problem(against: str, sampling: str | None):
    from certify.mdp.io import load_problem_with_sampling

    return load_problem_with_sampling(against, sampling)


def _family_of(against: str, alpha: float | None, sampling: str | None):
    from certify.errors import InvalidInput

    path = Path(against)
    if path.suffix.lower() in (".json", ".npz") and path.is_file() and _is_family_file(path):
        from certify.jsr.io import load_family

        return load_family(path)
    from certify.jsr.gallery import gallery_names

    if against in gallery_names():
        from certify.jsr.gallery import gallery_entry

        return gallery_entry(against).family
    if alpha is None:
        raise InvalidInput(f"--against {against}: an MDP needs --alpha (the step size of the "
                           "Q-learning direct family the certificate is about)")
    from certify.algorithms.qlearning.system import DirectFamily

    problem, samp = _problem(against, sampling)
    return DirectFamily.from_mdp(problem.mdp, samp, alpha)


def _is_family_file(path: Path) -> bool:
    if path.suffix.lower() == ".npz":
        return True
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return True  # let the family loader say what is wrong
    return isinstance(doc, dict) and "matrices" in doc


def run(args: argparse.Namespace) -> int:
    from certify.certificates.base import certificate_from_dict, read_certificate_document
    from certify.certificates.subject import describe_subject, subject_hash
    from certify.errors import CertifyError, InvalidInput

    if args.alpha is not None and args.against is None:
        raise InvalidInput("--alpha: only meaningful with --against PROBLEM")
    out = []
    for f in args.files:
        try:
            doc = read_certificate_document(f)
            cert = certificate_from_dict(doc)
        except CertifyError as exc:
            if f in str(exc):
                raise
            raise type(exc)(f"{f}: {exc}") from None
        subject = cert.subject()
        digest = subject_hash(subject)
        about = describe_subject(subject)
        row = {"file": f, "kind": cert.kind, "claim": cert.claim(), "about": about,
               "sha256": digest}
        recorded = doc.get("subject")
        rec = recorded.get("sha256") if isinstance(recorded, dict) else None
        if rec is not None and rec != digest:
            row.update(verdict=Verdict.INCONCLUSIVE,
                       reason=f"refused: the recorded subject hash {str(rec)[:12]} does not match "
                              f"the data the certificate embeds ({digest[:12]}); the file was edited")
        elif args.against is not None:
            want = expected_subject(cert, args.against, args.alpha, args.sampling)
            want_hash = subject_hash(want)
            row["against"] = {"problem": args.against, "sha256": want_hash}
            if want_hash != digest:
                row.update(verdict=Verdict.INCONCLUSIVE,
                           reason=f"refused: the certificate is about {about} (sha256 "
                                  f"{digest[:12]}), not {args.against}: {describe_subject(want)} "
                                  f"(sha256 {want_hash[:12]})")
        if "verdict" not in row:
            res = cert.verify()
            row.update(verdict=res.verdict, reason=res.reason)
        out.append(row)

    def render() -> None:
        for o in out:
            console.print(f"{escape(str(o['file']))}: {escape(o['claim'])} -> "
                          f"{verdict_text(o['verdict'])} ({escape(str(o['reason']))})",
                          highlight=False, soft_wrap=True)
            console.print(f"  about: {o['about']} (sha256 {o['sha256'][:16]})", highlight=False,
                          markup=False)

    return emit(out, render, args.json, [o["verdict"] for o in out])
