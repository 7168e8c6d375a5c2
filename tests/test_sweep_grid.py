"""certify.sweep without a cluster: grid files, hashes, fields, outputs, cells, bad input."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from certify.algorithms.qlearning.analysis import run_qlearning
from certify.cli import main
from certify.errors import InvalidInput, UnknownName
from certify.sweep import grid_from_dict, load_grid
from certify.sweep.cell import run_cell
from certify.sweep.fields import DECLARED_FIELDS, field_paths
from certify.sweep.grid import Grid
from certify.sweep.output import RowWriter, finished_cells, read_rows
from certify.sweep.plot import curves, plot_sweep

BASE = {"command": "qlearning",
        "problems": [{"garnet": {"states": [3, 4], "actions": 2, "branching": 2, "seeds": "0..2"}},
                     {"builtin": "seed-sls"}],
        "alpha": [0.1, 0.5],
        "cqlf": False,
        "record": ["direct_jsr.upper", "row_sum_rate", "direct_jsr.certificate.verdict"]}

TWO_STATE = {"gamma": 0.5, "layout": "SAS", "P": [[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5], [1.0, 0.0]]],
             "R": [[1.0, 0.0], [0.0, 1.0]]}


def write_grid(folder: Path, data: dict, name: str = "grid.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_expansion_order_and_names():
    g = grid_from_dict(BASE)
    # 2 sizes x 3 seeds garnets + 1 builtin = 7 problems, times 2 alphas, cqlf fixed
    assert len(g.cells) == 14
    assert [c.params["mdp"] for c in g.cells[:4]] == ["garnet:3:2:2:0"] * 2 + ["garnet:3:2:2:1"] * 2
    assert [c.params["alpha"] for c in g.cells[:4]] == [0.1, 0.5, 0.1, 0.5]
    assert g.cells[-1].params == {"mdp": "seed-sls", "alpha": 0.5, "cqlf": False}
    assert [c.index for c in g.cells] == list(range(14))
    assert g.columns == ["cell", "grid", "index", "command", "mdp", "alpha", "cqlf",
                         "mdp.states", "mdp.actions", "mdp.branching", "mdp.seed", "cell_seed",
                         "verdict", "direct_jsr.upper", "row_sum_rate",
                         "direct_jsr.certificate.verdict", "error", "wall_time"]


def test_hashes_are_content_hashes():
    g = grid_from_dict(BASE)
    assert len({c.hash for c in g.cells}) == 14
    assert len({c.seed for c in g.cells}) == 14
    assert all(0 <= c.seed < 2**31 for c in g.cells)
    # the same grid written in another key order: the same cells, hashes, seeds, grid hash
    reordered = {k: BASE[k] for k in ["record", "cqlf", "alpha", "problems", "command"]}
    g2 = grid_from_dict(reordered)
    assert [(c.hash, c.seed) for c in g2.cells] == [(c.hash, c.seed) for c in g.cells]
    assert g2.hash == g.hash
    # one more alpha: the old cells keep their hashes, the grid hash changes
    g3 = grid_from_dict({**BASE, "alpha": [0.1, 0.5, 0.9]})
    assert {c.hash for c in g.cells} < {c.hash for c in g3.cells}
    assert g3.hash != g.hash
    # recording another field changes the grid hash only
    g4 = grid_from_dict({**BASE, "record": ["row_sum_rate"]})
    assert [c.hash for c in g4.cells] == [c.hash for c in g.cells] and g4.hash != g.hash


def test_file_problems_travel_with_their_bytes(tmp_path):
    (tmp_path / "mdps").mkdir()
    (tmp_path / "mdps" / "b.yaml").write_text(yaml.safe_dump(TWO_STATE))
    (tmp_path / "mdps" / "a.yaml").write_text(yaml.safe_dump({**TWO_STATE, "gamma": 0.6}))
    grid = write_grid(tmp_path, {"command": "qlearning", "problems": [{"file": "mdps/*.yaml"}],
                                 "alpha": 0.5, "record": ["mdp.gamma"]})
    g = load_grid(grid)
    assert [c.params["mdp"] for c in g.cells] == ["mdps/a.yaml", "mdps/b.yaml"]
    assert g.cells[1].files["mdp"] == ("b.yaml", (tmp_path / "mdps" / "b.yaml").read_bytes())
    before = g.cells[1].hash
    (tmp_path / "mdps" / "b.yaml").write_text(yaml.safe_dump({**TWO_STATE, "gamma": 0.7}))
    after = load_grid(grid)
    assert after.cells[1].hash != before and after.cells[0].hash == g.cells[0].hash
    # the worker reads the shipped bytes, not the grid folder
    row, _ = run_cell(after.cells[1], after.record, after.axes, after.hash)
    assert row["error"] is None and row["mdp.gamma"] == 0.7


@pytest.mark.parametrize("change, message", [
    ({"command": "nope"}, "valid commands are"),
    ({"record": ["direct_jsr.uper"]}, "valid fields are"),
    ({"alpha": []}, "empty axis"),
    ({"alpha": None}, "empty axis"),
    ({"alpha": "0..x"}, "malformed range"),
    ({"alpha": "5..2"}, "is empty"),
    ({"alhpa": 0.1}, "valid keys are"),
    ({"problems": [{"garnet": {"states": 3, "actions": 2, "seeds": 0}}]}, "missing keys ['branching']"),
    ({"problems": [{"garnet": {"states": 3.5, "actions": 2, "branching": 1, "seeds": 0}}]},
     "expected integers"),
    ({"problems": [{"builtin": "no-such"}]}, "valid names are"),
    ({"problems": [{"file": "none/*.yaml"}]}, "matches no file"),
    ({"problems": [{"mdp": "x"}]}, "exactly one key"),
    ({"problems": []}, "non-empty list"),
    ({"problems": [{"builtin": ["seed-sls", "seed-sls"]}]}, "repeats cell"),
    ({"command": "sweep"}, "cannot run inside a sweep"),
])
def test_bad_grids(change, message):
    with pytest.raises((InvalidInput, UnknownName)) as err:
        grid_from_dict({**BASE, **change})
    assert message in str(err.value)


def test_declared_fields_match_the_real_documents():
    docs = [run_qlearning("seed-sls", 0.5), run_qlearning("seed-sls", 1.0),
            run_qlearning("garnet:5:2:2:0", 0.5, cqlf=False)]
    seen = set().union(*(field_paths(d) for d in docs))
    assert seen == DECLARED_FIELDS["qlearning"]


def test_cell_equals_the_command_and_child_process_agrees():
    g = grid_from_dict({**BASE, "problems": [{"builtin": "seed-sls"}], "alpha": 0.5})
    cell = g.cells[0]
    direct = run_qlearning("seed-sls", 0.5, cqlf=False)
    row, fields = run_cell(cell, g.record, g.axes, g.hash)
    assert fields is None and row["error"] is None
    assert row["direct_jsr.upper"] == direct["direct_jsr"]["upper"]
    assert row["row_sum_rate"] == direct["row_sum_rate"]
    assert row["verdict"] == direct["verdict"] == "certified"
    child, _ = run_cell(cell, g.record, g.axes, g.hash, timeout=120)
    assert {k: v for k, v in child.items() if k != "wall_time"} == \
        {k: v for k, v in row.items() if k != "wall_time"}


def test_failing_and_timed_out_cells_become_rows():
    g = grid_from_dict({**BASE, "problems": [{"garnet": {"states": 2, "actions": 2, "branching": 3,
                                                         "seeds": 0}}], "alpha": 0.5})
    row, _ = run_cell(g.cells[0], g.record, g.axes, g.hash)
    assert row["error"].startswith("InvalidMDP:") and "branching" in row["error"]
    assert row["verdict"] is None and row["direct_jsr.upper"] is None
    slow = grid_from_dict({**BASE, "problems": [{"builtin": "seed-sls"}], "alpha": 0.5, "cqlf": True})
    row, _ = run_cell(slow.cells[0], slow.record, slow.axes, slow.hash, timeout=0.05)
    assert row["error"].startswith("Timeout:") and row["wall_time"] < 5


def _rows(g: Grid, n: int) -> list[dict]:
    return [{**{k: None for k in g.columns}, "cell": c.hash, "grid": g.hash, "index": c.index,
             "wall_time": 0.5} for c in g.cells[:n]]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_output_round_trip_and_cut_line(tmp_path, suffix):
    g = grid_from_dict(BASE)
    path = tmp_path / f"out{suffix}"
    with RowWriter(path, g.columns, append=False) as w:
        for r in _rows(g, 3):
            w.write(r)
    with path.open("a") as fh:
        fh.write(g.cells[3].hash + ',"cut by a cras')  # a crash in the middle of a row
    done = finished_cells(path, g)
    assert list(done) == [c.hash for c in g.cells[:3]]
    assert path.read_text().endswith("\n")
    assert float(done[g.cells[1].hash]["wall_time"]) == 0.5


def test_resume_refuses_other_grids_and_wrong_formats(tmp_path):
    g = grid_from_dict(BASE)
    path = tmp_path / "out.csv"
    with RowWriter(path, g.columns, append=False) as w:
        w.write(_rows(g, 1)[0])
    other = grid_from_dict({**BASE, "alpha": [0.1, 0.5, 0.9]})
    with pytest.raises(InvalidInput, match="written by grid"):
        finished_cells(path, other)
    with pytest.raises(InvalidInput, match="different grid"):
        finished_cells(path, grid_from_dict({**BASE, "record": ["row_sum_rate"]}))
    (tmp_path / "j.csv").write_text('{"cell": "x"}\n')
    with pytest.raises(InvalidInput, match="holds JSON, not CSV"):
        read_rows(tmp_path / "j.csv")
    (tmp_path / "c.jsonl").write_text("cell,grid\nx,y\n")
    with pytest.raises(InvalidInput, match="is not JSON"):
        read_rows(tmp_path / "c.jsonl")


def test_plot_curves_by_hand(tmp_path):
    rows = [{"mdp": "garnet:4:2:2:0", "alpha": "0.1", "direct_jsr.upper": "0.9", "row_sum_rate": "0.95",
             "direct_jsr.certificate.verdict": "certified", "error": ""},
            {"mdp": "garnet:4:2:2:1", "alpha": "0.1", "direct_jsr.upper": "0.8", "row_sum_rate": "0.85",
             "direct_jsr.certificate.verdict": "certified", "error": ""},
            {"mdp": "garnet:4:2:2:2", "alpha": "0.1", "direct_jsr.upper": "0.1", "row_sum_rate": "0.75",
             "direct_jsr.certificate.verdict": "inconclusive", "error": ""},
            {"mdp": "garnet:9:2:2:0", "alpha": "0.1", "direct_jsr.upper": "", "row_sum_rate": "",
             "direct_jsr.certificate.verdict": "", "error": "InvalidMDP: x"}]
    c = curves(rows, "alpha", "direct_jsr.upper", "row_sum_rate", "direct_jsr.certificate.verdict")
    assert list(c) == ["|S| = 4"]
    assert c["|S| = 4"]["y"] == [(0.1, pytest.approx(0.85))]  # mean of the two certified cells
    assert c["|S| = 4"]["ref"] == [(0.1, pytest.approx(0.85))]  # mean of 0.95, 0.85, 0.75
    out = plot_sweep(rows, tmp_path / "f.png")
    assert out.stat().st_size > 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("extra, message", [
    (["-o", "{d}/out.txt"], "unknown output extension"),
    (["-o", "{d}/out.parquet"], "certify[sweep]"),  # without pyarrow (skipped with it)
    (["-o", "{d}/exists.csv"], "use --resume"),
    (["-o", "{d}/json.csv", "--resume"], "holds JSON, not CSV"),
    (["-o", "{d}/other.csv", "--resume"], "different grid"),
    (["-o", "{d}/out.csv", "--cell-timeout", "0"], "--cell-timeout"),
    (["-o", "{d}/out.csv", "--scheduler", "tcp://127.0.0.1:{port}", "--connect-timeout", "1"],
     "no Dask scheduler answered within 1 s"),
])
def test_cli_bad_input_exits_2(tmp_path, capsys, extra, message):
    from certify.extras import available

    if extra[1].endswith(".parquet") and available("pyarrow"):
        pytest.skip("pyarrow is installed: Parquet output is valid")
    grid = write_grid(tmp_path, BASE)
    (tmp_path / "exists.csv").write_text("cell\n")
    (tmp_path / "json.csv").write_text('{"cell": "x"}\n')
    (tmp_path / "other.csv").write_text("cell,grid\nx,y\n")
    args = [a.format(d=tmp_path, port=_free_port()) for a in extra]
    assert main(["sweep", str(grid), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_bad_grid_exits_2(tmp_path, capsys):
    grid = write_grid(tmp_path, {**BASE, "record": ["cqlf.rat"]})
    assert main(["sweep", str(grid), "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "unknown fields ['cqlf.rat']" in err and "cqlf.rate" in err and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("command: qlearning\nalpha: [0.1\n")
    assert main(["sweep", str(bad), "-o", str(tmp_path / "o.csv")]) == 2
    assert "malformed YAML" in capsys.readouterr().err


def test_example_grids_are_valid():
    folder = Path(__file__).resolve().parents[1] / "certify" / "data" / "sweeps"
    grids = sorted(folder.glob("*.yaml"))
    assert grids
    for g in grids:
        assert len(load_grid(g).cells) >= 1


def test_a_crashed_child_reports_its_last_error_line(monkeypatch):
    # a child that dies without a JSON answer (killed, segfault, out of memory): the row's error
    # is the last line of its stderr as text, not a Python list
    import subprocess

    import certify.sweep.cell as cell_mod

    def crashed(*args, **kwargs):
        return subprocess.CompletedProcess(args[0], -9, stdout="", stderr="warming up\nKilled\n")

    monkeypatch.setattr(cell_mod.subprocess, "run", crashed)
    g = grid_from_dict({**BASE, "problems": [{"builtin": "seed-sls"}], "alpha": 0.5})
    row, _ = run_cell(g.cells[0], g.record, g.axes, g.hash, timeout=10)
    assert row["error"] == "Killed"

    def silent(*args, **kwargs):
        return subprocess.CompletedProcess(args[0], -11, stdout="", stderr="")

    monkeypatch.setattr(cell_mod.subprocess, "run", silent)
    row, _ = run_cell(g.cells[0], g.record, g.axes, g.hash, timeout=10)
    assert row["error"] == "child process exited with code -11"


def test_resume_after_reordering_scalar_axes_keeps_csv_columns_aligned(tmp_path):
    # swapping two one-value axes in the grid file keeps every cell hash and the grid hash (the
    # same cells in the same order), but changes the column order: rows appended on --resume
    # must follow the header already in the file, not the new order
    first = {**BASE, "problems": [{"builtin": "seed-sls"}], "alpha": [0.1, 0.5], "cqlf": False,
             "solver": "CLARABEL"}
    swapped = {k: first[k] for k in ("command", "problems", "alpha", "solver", "cqlf", "record")}
    g1, g2 = grid_from_dict(first), grid_from_dict(swapped)
    assert g1.hash == g2.hash and g1.columns != g2.columns
    path = tmp_path / "out.csv"
    rows1 = [{**r, "cqlf": False, "solver": "CLARABEL", "alpha": c.params["alpha"]}
             for r, c in zip(_rows(g1, 1), g1.cells, strict=False)]
    with RowWriter(path, g1.columns, append=False) as w:
        w.write(rows1[0])
    done = finished_cells(path, g2)
    assert list(done) == [g1.cells[0].hash]
    c = g2.cells[1]
    with RowWriter(path, g2.columns, append=True) as w:
        w.write({**{k: None for k in g2.columns}, "cell": c.hash, "grid": g2.hash, "index": 1,
                 "alpha": 0.5, "solver": "CLARABEL", "cqlf": False, "wall_time": 0.25})
    back = read_rows(path)
    assert [r["solver"] for r in back] == ["CLARABEL", "CLARABEL"]
    assert [r["cqlf"] for r in back] == ["False", "False"]
    assert back[1]["alpha"] == "0.5" and back[1]["wall_time"] == "0.25"
