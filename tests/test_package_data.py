"""Package data (certify/data): gallery families, claims files and sweep grids by name.

After ``pip install certify`` there is no ``examples/`` folder: these files ship inside the
package and every command that reads one takes its name (``certify jsr golden``,
``certify check --example seed-002``, ``certify sweep --example small``), a path still working.
"""

import json
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

import certify
import certify.data as data
from certify.cli import main
from certify.errors import UnknownName
from certify.jsr.gallery import GALLERY_DIR, gallery_names
from certify.jsr.io import load_family

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "certify" / "data"


def test_names_are_the_file_stems():
    assert data.names("sweeps") == ["garnet_alpha", "small"]
    assert "golden" in data.names("families") and "overlap_free" in data.names("families")
    assert data.names("claims") == ["false-claim", "jsr-golden", "seed-000-smooth", "seed-001-ntk",
                                    "seed-002-qlearning", "seed-003-sa", "seed-004-pg"]
    assert certify.gallery_names() == data.names("families") == sorted(
        p.stem for p in (DATA / "families").glob("*.json"))
    assert GALLERY_DIR == DATA / "families"


def test_path_of_exact_prefix_ambiguous_unknown():
    assert data.path_of("claims", "seed-002") == DATA / "claims" / "seed-002-qlearning.yaml"
    assert data.path_of("claims", "jsr-golden").name == "jsr-golden.yaml"
    assert data.path_of("families", "golden").name == "golden.json"  # exact beats golden_block
    with pytest.raises(UnknownName, match="ambiguous"):
        data.path_of("claims", "seed")
    with pytest.raises(UnknownName, match="unknown.*packaged names are"):
        data.path_of("sweeps", "nope")
    with pytest.raises(UnknownName, match="unknown kind"):
        data.names("pictures")


def test_a_path_wins_over_a_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small").write_text("x")
    assert data.resolve("sweeps", "small") == Path("small")  # the user's file, not ours
    assert data.resolve("sweeps", "garnet_alpha") == DATA / "sweeps" / "garnet_alpha.yaml"
    assert data.resolve("sweeps", "nope.yaml") == Path("nope.yaml")  # a path: its loader reports it


def test_missing_data_folder_raises_not_empty(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "__file__", str(tmp_path / "data" / "__init__.py"))
    with pytest.raises(data.MissingPackageData, match="installation is incomplete"):
        data.names("families")
    with pytest.raises(data.MissingPackageData):
        gallery_names()
    (tmp_path / "empty").mkdir()
    with pytest.raises(data.MissingPackageData):
        gallery_names(tmp_path / "empty")


def test_pyproject_declares_every_data_file():
    """Each file under certify/data matches a package-data glob, so the wheel carries it."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = conf["tool"]["setuptools"]["package-data"]["certify"]
    files = [p.relative_to(ROOT / "certify").as_posix() for p in DATA.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) >= 30
    missing = [f for f in files if not any(fnmatch(f, g) for g in globs)]
    assert missing == []


def test_load_family_by_gallery_name():
    fam = load_family("golden")
    assert [m.tolist() for m in fam.float_matrices()] == [[[1, 1], [0, 1]], [[1, 0], [1, 1]]]
    with pytest.raises(UnknownName, match="gallery family 'nope'"):
        load_family("nope")


def test_cli_jsr_by_name(capsys):
    assert main(["jsr", "golden", "--json", "--budget", "10"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["exact"] and doc["lower"] <= (1 + 5 ** 0.5) / 2 <= doc["upper"]


def test_cli_check_by_example_and_by_name(capsys):
    assert main(["check", "--example", "jsr-golden", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (len(doc["claims"]), doc["passed"], doc["failed"]) == (2, 2, 0)
    assert main(["check", "jsr-golden"]) == 0
    capsys.readouterr()
    assert main(["check", "--example", "false-claim"]) == 1  # the claim is false
    capsys.readouterr()


@pytest.mark.parametrize("argv, message", [
    (["check"], "give a file or --example NAME"),
    (["check", "x.yaml", "--example", "jsr-golden"], "not both"),
    (["check", "--example", "seed"], "ambiguous"),
    (["sweep", "--example", "nope", "-o", "OUT.csv"], "example sweep grid 'nope' is unknown"),
    (["jsr", "nope"], "gallery family 'nope' is unknown"),
])
def test_cli_bad_names_exit_2_in_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_examples_lists_packaged_names(capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    assert "seed-002-qlearning" in out and "garnet_alpha" in out and "daubechies_d4" in out
