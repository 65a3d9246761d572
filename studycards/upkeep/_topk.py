"""The ``k`` nearest rows of a set of sparse vectors by dot product, in bounded memory.

Rows are CSR arrays with features sorted inside each row; the postings (for each feature, the
rows holding it, in row order) make an inverted index. A block of rows is scored by pairing each
of its entries with the postings of its feature and summing the products per (row, other row)
cell with ``np.bincount``. Over all rows the work is halved by symmetry: a block only scores
the rows from its own first row onwards, and the pairs it finds for later rows are carried
forward, pruned to each row's best ``k``.

Each cell sums its products in feature order whichever row is the query, so ``s(a, b)`` equals
``s(b, a)`` bit for bit and a row's result never depends on the rows scored with it. Scores are
rounded to :data:`DIGITS` decimals and ties go to the lower row number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DIGITS = 9
BLOCK_CELLS = 2_000_000  # float64 score cells of one block (rows x other rows)
BLOCK_PAIRS = 3_000_000  # (entry, posting) pairs of one block

Neighbours = list[tuple[int, float]]


@dataclass(frozen=True)
class SparseRows:
    """Row vectors in CSR form (features ascending in each row) plus their postings."""

    indptr: np.ndarray
    features: np.ndarray
    values: np.ndarray
    post_ptr: np.ndarray
    post_rows: np.ndarray
    post_values: np.ndarray
    post_keys: np.ndarray  # feature * rows + row, ascending

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1


def sparse_rows(
    rows: np.ndarray, features: np.ndarray, values: np.ndarray, n_rows: int, n_features: int
) -> SparseRows:
    """Build :class:`SparseRows` from coordinate arrays (each (row, feature) at most once)."""
    import numpy as np

    keys = features.astype(np.int64) * n_rows + rows
    by_feature = np.argsort(keys)
    keys, rows, features, values = (a[by_feature] for a in (keys, rows, features, values))
    by_row = np.argsort(rows, kind="stable")
    return SparseRows(
        indptr=pointers(rows[by_row], n_rows),
        features=features[by_row],
        values=values[by_row],
        post_ptr=pointers(features, n_features),
        post_rows=rows,
        post_values=values,
        post_keys=keys,
    )


def pointers(sorted_keys: np.ndarray, count: int) -> np.ndarray:
    """CSR pointers: where each key's run starts in ``sorted_keys``, plus the end."""
    import numpy as np

    result = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_keys, minlength=count), out=result[1:])
    return result


def top_k(
    matrix: SparseRows, k: int, threshold: float, rows: list[int] | None = None
) -> dict[int, Neighbours]:
    """For each of ``rows`` (default all), its best ``k`` other rows scoring >= threshold."""
    if k <= 0 or matrix.rows == 0:
        return {row: [] for row in (rows if rows is not None else range(matrix.rows))}
    if rows is None:
        return _all_rows(matrix, k, threshold)
    found: dict[int, Neighbours] = {}
    for block in _plan(matrix, sorted(set(rows))):
        scores = _scores(matrix, block, first_col=0)
        local, others, values = _eligible(scores, threshold, block, first_col=0)
        rows_of = _as_array(block)[local]
        found.update(_group(*_select(rows_of, others, values, k), block))
    return found


Triple = tuple["np.ndarray", "np.ndarray", "np.ndarray"]  # (row, other row, score)


def _all_rows(matrix: SparseRows, k: int, threshold: float) -> dict[int, Neighbours]:
    """Every row's neighbours; each block scores only rows from its own first row on."""
    import numpy as np

    found: dict[int, Neighbours] = {}
    empty = np.zeros(0, dtype=np.int64)
    carry: Triple = (empty, empty, np.zeros(0))
    for block in _plan(matrix, list(range(matrix.rows))):
        first, last = block[0], block[-1] + 1
        local, others, values = _eligible(_scores(matrix, block, first), threshold, block, first)
        mine = local + first
        later = others >= last
        carry = _join(carry, (others[later], mine[later], values[later]))
        due = carry[0] < last
        found.update(_group(*_select(*_join((mine, others, values), _take(carry, due)), k), block))
        carry = _select(*_take(carry, ~due), k)
    return found


def _join(a: Triple, b: Triple) -> Triple:
    import numpy as np

    return (np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]]),
            np.concatenate([a[2], b[2]]))  # fmt: skip


def _take(triple: Triple, mask: np.ndarray) -> Triple:
    return triple[0][mask], triple[1][mask], triple[2][mask]


def _plan(matrix: SparseRows, rows: list[int]) -> list[list[int]]:
    """Cut sorted ``rows`` into blocks within the cell and pair budgets (at least one row each).

    The pair count of a row is that of scoring it against all rows, an upper bound for the
    symmetric pass.
    """
    import numpy as np

    lengths = matrix.post_ptr[matrix.features + 1] - matrix.post_ptr[matrix.features]
    owner = np.repeat(np.arange(matrix.rows), np.diff(matrix.indptr))
    per_row = np.bincount(owner, weights=lengths, minlength=matrix.rows)[_as_array(rows)]
    cumulative = np.concatenate([[0.0], np.cumsum(per_row)])
    most_rows = max(1, BLOCK_CELLS // matrix.rows)
    blocks, at = [], 0
    while at < len(rows):
        by_pairs = int(np.searchsorted(cumulative, cumulative[at] + BLOCK_PAIRS, side="right")) - 1
        end = max(at + 1, min(at + most_rows, by_pairs, len(rows)))
        blocks.append(rows[at:end])
        at = end
    return blocks


def _as_array(rows: list[int]) -> np.ndarray:
    import numpy as np

    return np.asarray(rows, dtype=np.int64)


def _scores(matrix: SparseRows, block: list[int], first_col: int) -> np.ndarray:
    """Dot products of ``block`` rows with every row from ``first_col`` on."""
    import numpy as np

    picked = _as_array(block)
    starts, stops = matrix.indptr[picked], matrix.indptr[picked + 1]
    entries = ranges(starts, stops)
    features = matrix.features[entries]
    last = matrix.post_ptr[features + 1]
    if first_col:
        first = np.searchsorted(matrix.post_keys, features * matrix.rows + first_col)
    else:
        first = matrix.post_ptr[features]
    lengths = last - first
    postings = ranges(first, last)
    width = matrix.rows - first_col
    local = np.repeat(np.repeat(np.arange(len(block), dtype=np.int64), stops - starts), lengths)
    cells = local * width + (matrix.post_rows[postings] - first_col)
    products = np.repeat(matrix.values[entries], lengths) * matrix.post_values[postings]
    sums = np.bincount(cells, weights=products, minlength=len(block) * width)
    return sums.reshape(len(block), width)


def ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(start, stop)`` for each pair, without a Python loop."""
    import numpy as np

    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _eligible(
    scores: np.ndarray, threshold: float, block: list[int], first_col: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(block position, other row, rounded score) of every cell >= threshold, self excluded."""
    import numpy as np

    local, columns = np.nonzero(scores >= threshold - 10.0**-DIGITS)
    values = np.round(scores[local, columns], DIGITS)
    others = columns + first_col
    keep = (values >= threshold) & (values > 0) & (others != _as_array(block)[local])
    return local[keep], others[keep], values[keep]


def _select(
    rows: np.ndarray, others: np.ndarray, values: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``k`` best (other, value) pairs, sorted by row, best first, ties by other."""
    import numpy as np

    order = np.lexsort((others, -values, rows))
    rows, others, values = rows[order], others[order], values[order]
    best = rank_in_group(rows) < k
    return rows[best], others[best], values[best]


def rank_in_group(groups: np.ndarray) -> np.ndarray:
    """For sorted ``groups``, each element's position within its run of equal values."""
    import numpy as np

    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], groups[1:] != groups[:-1]]))
    lengths = np.diff(np.concatenate([starts, [len(groups)]]))
    return np.arange(len(groups)) - np.repeat(starts, lengths)


def _group(
    rows: np.ndarray, others: np.ndarray, values: np.ndarray, block: list[int]
) -> dict[int, Neighbours]:
    found: dict[int, Neighbours] = {row: [] for row in block}
    for row, other, value in zip(rows.tolist(), others.tolist(), values.tolist(), strict=True):
        found[row].append((other, value))
    return found
