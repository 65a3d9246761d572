"""Solved ``efficient`` policies, found without solving where possible: kept in memory, in the
vault's ``.studycards/policy-*.npz`` cache, or shipped with studycards for the default settings.
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
    _Grid,
    build_model,
    calibrate,
    interval_choices,
)


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
) -> tuple[Policy, _Engine]:
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
        policy = _load(BUNDLED / name, maximum_interval, mix) or calibrate(
            _model_for(parameters, maximum_interval, mix), engine, retention
        )
        if path is not None:
            _save(path, policy)  # also replaces a damaged file
    if len(_SOLVED) >= 16:
        _SOLVED.pop(next(iter(_SOLVED)))
    _SOLVED[key] = policy
    return policy, engine


_SOLVED: dict[tuple[Any, ...], Policy] = {}
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


def _load(path: Path, maximum_interval: int, shares: tuple[float, ...]) -> Policy | None:
    """A solved policy saved earlier; anything unreadable just means solving again."""
    import zipfile

    import numpy as np

    from studycards._statefile import safe_for_sqlite

    if not safe_for_sqlite(path):
        return None  # a symlink or a FIFO where a cached policy belongs: solve instead
    try:
        with np.load(path) as data:
            price, value = float(data["price"]), data["value"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    model = _light_model(maximum_interval, shares)
    if value.shape != (len(model.log_s) * len(model.ds),):
        return None
    return Policy(model, price, value)


def _light_model(maximum_interval: int, shares: tuple[float, ...]) -> Model:
    """The grid without the sampled tables: all that choosing one card's interval needs."""
    import numpy as np

    empty = np.empty(0)
    grid = _Grid.default()
    actions = interval_choices(maximum_interval)
    return Model(actions, grid.log_s, grid.ds, empty, empty, empty, empty, empty, empty, shares)


def _save(path: Path, policy: Policy) -> None:
    import io

    import numpy as np

    from studycards._atomic import atomic_write

    buffer = io.BytesIO()
    np.savez(buffer, price=np.array(policy.price), value=policy.value)
    try:
        atomic_write(path, buffer.getvalue())
    except OSError:
        pass  # a cache that cannot be written is only slower
