"""The NumPy-free lookup of a solved policy agrees with the NumPy one, and reads its files."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from studycards.scheduling import policy, policy_cache
from studycards.scheduling.policy_table import Grid, PolicyTable, read_npz


@pytest.fixture(scope="module")
def engine():
    return policy_cache._engine_for(None)


def reference(table: PolicyTable) -> policy.Policy:
    """The same solved values as a NumPy :class:`policy.Policy`."""
    grid = table.model
    empty = np.empty(0)
    model = policy.Model(
        np.array(grid.actions), np.array(grid.log_s), np.array(grid.ds),
        empty, empty, empty, empty, empty, empty, grid.shares,
    )  # fmt: skip
    return policy.Policy(model, table.price, np.array(table.value))


@pytest.mark.parametrize("maximum_interval", [1, 7, 30, 31, 365, 36500])
def test_the_grid_is_numpys_grid_exactly(maximum_interval):
    grid = Grid.default(maximum_interval, policy.PASS_SHARES)
    numpy_grid = policy._Grid.default()
    assert list(grid.log_s) == numpy_grid.log_s.tolist()
    assert list(grid.ds) == numpy_grid.ds.tolist()
    assert list(grid.actions) == policy.interval_choices(maximum_interval).tolist()


@pytest.mark.parametrize(
    ("retention", "maximum_interval", "shares"),
    [(0.9, 365, None), (0.85, 60, (0.5, 0.4, 0.1))],
)
def test_the_lookup_picks_the_numpy_policys_interval(
    engine, retention, maximum_interval, shares, tmp_path
):
    table, _ = policy_cache.policy_for(None, retention, maximum_interval, str(tmp_path), shares)
    numpy_policy = reference(table)
    stabilities = np.geomspace(0.02, 5000.0, 25).tolist()
    for stability in stabilities:
        for difficulty in (1.0, 2.5, 5.0, 7.7, 10.0):
            for floor in (None, 0.85, 0.95):
                expected = numpy_policy.interval(engine, stability, difficulty, floor)
                found = table.interval(engine, stability, difficulty, floor)
                assert found == expected, (stability, difficulty, floor)


def test_a_floor_never_goes_below_the_shortest_choice(engine):
    table, _ = policy_cache.policy_for(None, 0.9, 365)
    assert table.interval(engine, 0.05, 10.0, floor=0.999) == 1


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_read_npz_gives_back_what_numpy_wrote(tmp_path):
    path = tmp_path / "p.npz"
    value = np.random.default_rng(3).normal(size=640)
    path.write_bytes(npz(price=np.array(4.25), value=value))
    arrays = read_npz(path)
    assert list(arrays["price"]) == [4.25]
    assert list(arrays["value"]) == value.tolist()


@pytest.mark.parametrize(
    "content",
    [
        b"not a zip at all",
        npz(price=np.array(1.0), value=np.zeros(640, dtype=np.float32)),
        npz(price=np.array(1.0), value=np.zeros((64, 10))),
        npz(price=np.array(1.0), value=np.array(["a", "b"])),
    ],
    ids=["garbage", "float32", "two-dimensional", "strings"],
)
def test_read_npz_refuses_anything_else(tmp_path, content):
    path = tmp_path / "p.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError):
        read_npz(path)


def test_a_truncated_array_is_refused(tmp_path):
    path = tmp_path / "p.npz"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        whole = io.BytesIO()
        np.save(whole, np.zeros(640))
        archive.writestr("value.npy", whole.getvalue()[:-8])
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ValueError):
        read_npz(path)


def test_an_unreadable_cached_policy_means_solving_again(tmp_path, monkeypatch):
    monkeypatch.setattr(policy_cache, "_SOLVED", {})
    key = policy_cache._key(list(policy_cache._engine_for(None).parameters), 0.9, 365)
    path = tmp_path / f"policy-{key}.npz"
    path.write_bytes(npz(price=np.array(1.0), value=np.zeros(10)))  # the wrong size
    assert policy_cache._load(path, 365, policy.PASS_SHARES) is None
    found, _ = policy_cache.policy_for(None, 0.9, 365, str(tmp_path))
    assert len(found.value) == 640
    assert policy_cache._load(path, 365, policy.PASS_SHARES) == found  # replaced
