"""A solved ``efficient`` policy as plain Python numbers: one card's interval without NumPy.

Solving a policy (:mod:`studycards.scheduling.policy`) is matrix work and needs NumPy; using one
does not. A grade looks up a single card: the engine's forgetting curve for its stability, its
next states after each interval choice, and the solved values of the grid nodes around them.
:class:`PolicyTable` does that lookup with ``math`` alone, operation for operation as
:meth:`Policy.interval <studycards.scheduling.policy.Policy.interval>` does it, so ``grade``
starts without importing NumPy. ``tests/test_policy.py`` checks the two agree.

The solved values are read from the ``.npz`` file the solver writes (a zip of two ``.npy``
arrays) by :func:`read_npz`, without NumPy too.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from dataclasses import dataclass
from typing import Any

DISCOUNT = 1.0 - 1.0 / 365.0  # as in policy.py: a day's recall counts this much less
STABILITY_RANGE = (0.01, 36500.0)
STABILITY_NODES = 64
DIFFICULTY_NODES = 10
DENSE_UNTIL = 30
STEP = 1.04


@dataclass(frozen=True)
class Grid:
    """The policy's grid and interval choices, as tuples of floats and ints."""

    actions: tuple[int, ...]
    log_s: tuple[float, ...]
    ds: tuple[float, ...]
    shares: tuple[float, ...]

    @classmethod
    def default(cls, maximum_interval: int, shares: tuple[float, ...]) -> Grid:
        """The grid every policy is solved on (``numpy.linspace``'s values exactly)."""
        low, high = (math.log(value) for value in STABILITY_RANGE)
        return cls(
            tuple(choices(maximum_interval)),
            _even(low, high, STABILITY_NODES),
            _even(1.0, 10.0, DIFFICULTY_NODES),
            tuple(shares),
        )


def _even(start: float, stop: float, count: int) -> tuple[float, ...]:
    step = (stop - start) / (count - 1)
    return (*(i * step + start for i in range(count - 1)), stop)


def choices(maximum_interval: int) -> list[int]:
    """Every day up to ``DENSE_UNTIL``, then steps of about 4 %, up to the maximum interval."""
    days = list(range(1, min(DENSE_UNTIL, maximum_interval) + 1))
    while days[-1] < maximum_interval:
        days.append(min(maximum_interval, max(days[-1] + 1, round(days[-1] * STEP))))
    return days


@dataclass(frozen=True)
class PolicyTable:
    """A solved policy: the value of every grid state at a price per review."""

    model: Grid
    price: float
    value: tuple[float, ...]

    def interval(
        self, engine: Any, stability: float, difficulty: float, floor: float | None = None
    ) -> int:
        """The best interval in days for a card in this memory state; with a ``floor``, the
        best among those whose predicted recall at the end stays at or above it (the shortest
        choice is always allowed)."""
        actions = self.model.actions
        by_day = _recall_by_day(engine, stability, actions[-1])
        gathered, total = [], 0.0
        for day, recall in enumerate(by_day, start=1):
            total += DISCOUNT**day * recall
            gathered.append(total)
        best, best_worth = actions[0], -math.inf
        for days, later in zip(
            actions, self._later(engine, stability, difficulty, by_day), strict=True
        ):
            recall = by_day[days - 1]
            if floor is not None and recall < floor and days != actions[0]:
                continue
            worth = gathered[days - 1] + DISCOUNT**days * (later - self.price)
            if worth > best_worth:
                best, best_worth = days, worth
        return best

    def _later(self, engine: Any, stability: float, difficulty: float, by_day: list[float]):
        """The expected value after reviewing at each interval choice."""
        import fsrs_rs_python as fsrs

        memory = fsrs.MemoryState(float(stability), float(difficulty))
        hard, good, easy = self.model.shares
        at = self._value_at()
        for days in self.model.actions:
            states = engine.next_states(memory, days)
            forgot, after_hard = at(states.again.memory), at(states.hard.memory)
            after_good, after_easy = at(states.good.memory), at(states.easy.memory)
            recall = by_day[days - 1]
            remembered = hard * after_hard + good * after_good + easy * after_easy
            yield recall * remembered + (1.0 - recall) * forgot

    def _value_at(self) -> Any:
        """The interpolated value of a memory state: :meth:`Grid.locate` and the weighted sum
        of the four nodes, in one function (a lookup makes several hundred of these)."""
        grid, value, log = self.model, self.value, math.log
        ns, nd = len(grid.log_s), len(grid.ds)
        s0, s_step = grid.log_s[0], grid.log_s[1] - grid.log_s[0]
        d0, d_step = grid.ds[0], grid.ds[1] - grid.ds[0]
        x_top, y_top, x_last, y_last = ns - 1.0, nd - 1.0, ns - 2, nd - 2

        def at(memory: Any) -> float:  # min and max written out: they are most of its time
            stability = memory.stability
            x = (log(1e-9 if 1e-9 > stability else stability) - s0) / s_step
            y = (memory.difficulty - d0) / d_step
            x = 0.0 if 0.0 > x else x_top if x_top < x else x
            y = 0.0 if 0.0 > y else y_top if y_top < y else y
            x0, y0 = int(x), int(y)
            x0, y0 = x_last if x_last < x0 else x0, y_last if y_last < y0 else y0
            fx, fy = x - x0, y - y0
            base = x0 * nd + y0
            return (
                value[base] * ((1 - fx) * (1 - fy))
                + value[base + nd] * (fx * (1 - fy))
                + value[base + 1] * ((1 - fx) * fy)
                + value[base + nd + 1] * (fx * fy)
            )

        return at


def _recall_by_day(engine: Any, stability: float, last_day: int) -> list[float]:
    """The engine's forgetting curve of one stability, on days 1 to ``last_day``."""
    import fsrs_rs_python as fsrs

    card = fsrs.Card()
    card.parameters = engine.parameters
    card.stability = stability
    card.difficulty = 5.0
    card.last_date = 0.0
    on = card.retention_on
    return [on(float(t)) for t in range(1, last_day + 1)]


# ---------------------------------------------------------------------------------------------
# the solver's .npz file, read without NumPy

_HEADER = re.compile(
    r"\{'descr': '<f8', 'fortran_order': False, 'shape': \((?P<shape>(\d+,?)?)\), \}\s*$"
)


def read_npz(path: Any) -> dict[str, array]:
    """The float64 arrays of an ``.npz`` that ``numpy.savez`` wrote, by name (flattened).

    Raises ValueError for anything else: another layout, dtype or a damaged file."""
    import zipfile

    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".npy"):
                    arrays[name[:-4]] = _read_npy(archive.read(name))
    except (zipfile.BadZipFile, EOFError, KeyError) as error:
        raise ValueError(f"not a policy file: {error}") from None
    return arrays


def _read_npy(data: bytes) -> array:
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        raise ValueError("not an .npy array")
    size = 2 if data[6] == 1 else 4
    length = int.from_bytes(data[8 : 8 + size], "little")
    start = 8 + size + length
    match = _HEADER.match(data[8 + size : start].decode("latin-1"))
    if match is None:
        raise ValueError("an .npy array that is not plain float64")
    values = array("d", data[start:])
    if sys.byteorder == "big":
        values.byteswap()
    count = int(match["shape"].rstrip(",")) if match["shape"] else 1
    if len(values) != count or len(data) - start != 8 * count:
        raise ValueError("an .npy array of the wrong length")
    return values
