"""The five papers are cited in full (authors, title, venue or arXiv id) in the README,
docs/references.md and the bibliography of every report (issue 19, Build 2)."""

from pathlib import Path

from certify.cli import main
from certify.report.references import REFERENCES, references_tex

ROOT = Path(__file__).resolve().parents[1]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_readme_and_docs_cite_the_five_papers_in_full():
    readme = _flat((ROOT / "README.md").read_text())
    docs = _flat((ROOT / "docs" / "references.md").read_text())
    assert len(REFERENCES) == 5
    for ref in REFERENCES.values():
        arxiv = ref.venue.split("arXiv:")[1][:10]
        for text in (readme, docs):
            assert ref.title in text and f"arXiv:{arxiv}" in text, ref.title
        assert ref.authors in readme


def test_references_tex_drops_repeats_and_unknown_keys():
    tex = references_tex(["qlearning", "", "no-such-paper", "qlearning", "pg"])
    assert tex.count("\\item") == 2 and "Lyapunov-Certified Direct Switching" in tex
    assert "Mean-Field Regime" in tex and references_tex(["no-such-paper"]) == ""
    # jsr cites the JSR book (a JSR claims report had no bibliography)
    assert "The Joint Spectral Radius" in references_tex(["jsr"])


def test_qlearning_report_ends_with_its_bibliography(tmp_path, capsys):
    out = tmp_path / "r.tex"
    assert main(["report", "seed-sls", "--alpha", "0.5", "-o", str(out), "--runs", "0"]) == 0
    tex = out.read_text()
    assert "\\subsection*{References}" in tex and "arXiv:2604.19569" in tex
    assert "Donghwan Lee" in tex and "seed 002" not in tex and "theory.md, section" not in tex


def test_claims_report_cites_the_papers_of_its_commands(tmp_path, capsys):
    out = tmp_path / "c.tex"
    main(["report", "--example", "seed-000-smooth", "-o", str(out)])
    tex = out.read_text()
    assert "Donghwan Lee and Hyunjun Na" in tex and "arXiv:2404.14442" in tex
