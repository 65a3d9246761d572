"""Solved ``efficient`` policies, found without solving where possible: kept in memory, in the
vault's ``.studycards/policy-*.npz`` cache, or shipped with studycards for the default settings.

A policy found in a file comes back as a :class:`PolicyTable`, read and used without NumPy; only
solving one (new settings, a damaged file) imports NumPy.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from studycards.scheduling.policy import (
    PASS_SHARES,
    VERSION,
    Model,
    Policy,
    _Engine,
    build_model,
    calibrate,
)
from studycards.scheduling.policy_table import Grid, PolicyTable, read_npz


def _key(
    parameters: list[float],
    retention: float,
    maximum_interval: int,
    shares: tuple[float, ...] | None = None,
) -> str:
    settings: list[Any] = [VERSION, parameters, retention, maximum_interval]
    text = json.dumps(settings if shares is None else [*settings, list(shares)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def policy_for(
    parameters: tuple[float, ...] | None,
    retention: float,
    maximum_interval: int,
    cache_dir: str | None = None,
    shares: tuple[float, ...] | None = None,
) -> tuple[PolicyTable, _Engine]:
    """The solved policy for these settings: from memory, from ``cache_dir``, from the copy
    shipped for the default settings, or solved now. ``shares``: the person's hard / good /
    easy mix (None: the assumed 1:3:1)."""
    maximum_interval = max(1, maximum_interval)
    engine = _engine_for(parameters)
    key = (parameters, retention, maximum_interval, cache_dir, shares)
    policy = _SOLVED.get(key)
    if policy is not None:
        return policy, engine
    name = f"policy-{_key(engine.parameters, retention, maximum_interval, shares)}.npz"
    path = None if cache_dir is None else Path(cache_dir) / name
    mix = shares or PASS_SHARES
    policy = None if path is None else _load(path, maximum_interval, mix)
    if policy is None:
        policy = _load(BUNDLED / name, maximum_interval, mix)
        if policy is not None:
            if path is not None:  # kept in the vault too, the shipped file's bytes as they are
                _write(path, lambda: (BUNDLED / name).read_bytes())
        else:
            policy = _table(
                calibrate(_model_for(parameters, maximum_interval, mix), engine, retention),
                maximum_interval,
            )
            if path is not None:
                _save(path, policy)  # also replaces a damaged file
    if len(_SOLVED) >= 16:
        _SOLVED.pop(next(iter(_SOLVED)))
    _SOLVED[key] = policy
    return policy, engine


_SOLVED: dict[tuple[Any, ...], PolicyTable] = {}
# Solved policies shipped with studycards (the default settings), written by
# scripts/make_policy.py, so a new vault's first review does not wait for a solve.
BUNDLED = Path(__file__).parent / "data"


@lru_cache(maxsize=4)
def _engine_for(parameters: tuple[float, ...] | None) -> _Engine:
    import fsrs_rs_python as fsrs

    return _Engine(list(parameters) if parameters else list(fsrs.DEFAULT_PARAMETERS))


@lru_cache(maxsize=2)
def _model_for(
    parameters: tuple[float, ...] | None, maximum_interval: int, shares: tuple[float, ...]
) -> Model:
    return build_model(_engine_for(parameters), maximum_interval, shares)


def _load(path: Path, maximum_interval: int, shares: tuple[float, ...]) -> PolicyTable | None:
    """A solved policy saved earlier; anything unreadable just means solving again."""
    from studycards._statefile import safe_for_sqlite

    if not safe_for_sqlite(path):
        return None  # a symlink or a FIFO where a cached policy belongs: solve instead
    try:
        arrays = read_npz(path)
        (price,), value = arrays["price"], tuple(arrays["value"])
    except (OSError, ValueError, KeyError):
        return None
    grid = Grid.default(maximum_interval, shares)
    if len(value) != len(grid.log_s) * len(grid.ds):
        return None
    return PolicyTable(grid, price, value)


def _table(policy: Policy, maximum_interval: int) -> PolicyTable:
    """A policy just solved, in the form a lookup uses."""
    grid = Grid.default(maximum_interval, policy.model.shares)
    return PolicyTable(grid, float(policy.price), tuple(policy.value.tolist()))


def _save(path: Path, policy: Policy | PolicyTable) -> None:
    _write(path, lambda: _npz_bytes(policy))


def _npz_bytes(policy: Policy | PolicyTable) -> bytes:
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.savez(buffer, price=np.array(policy.price), value=np.asarray(policy.value, dtype=float))
    return buffer.getvalue()


def _write(path: Path, content: Any) -> None:
    from studycards._atomic import atomic_write

    try:
        atomic_write(path, content())
    except OSError:
        pass  # a cache that cannot be written is only slower
