"""Paged attention (vLLM): the KV cache in fixed-size blocks, found through a block table.

A serving engine does not know how long each request will grow. Reserving a contiguous cache
of the maximum length per request wastes most of it (and what is left between requests is
fragmented), so PagedAttention stores keys and values in a pool of physical blocks of
`block_size` tokens, like pages of virtual memory. Each request keeps a block table: logical
block i of the request lives in physical block table[i], anywhere in the pool.

    token t of a request  ->  physical block table[t // block_size], slot t % block_size
    decode:  K = pool_K[table].reshape(-1, d)[:length]   (same for V), then attend as usual

Only a request's last block is partly empty, so the waste is under one block per request.
Two requests that start with the same prompt share its full blocks: both tables point at the
same physical blocks (reference counted), and the prompt is stored and prefilled once. A block
that is only partly filled by the shared prompt is copied when the requests diverge (copy on
write), because each request writes different tokens into its free slots.

Here request A has `seq_len` tokens, request B shares the first `prefix` of them and adds about
half as many of its own; the physical blocks are handed out in a random order. The table below
compares a contiguous reservation with paging for 64 requests of random lengths up to 2048.
"""

from __future__ import annotations

import numpy as np

from studycards.demos._maths import attend, close, heatmap
from studycards.demos.result import Check, Outcome, Step, Table

SERVING = {"requests": 64, "max_len": 2048, "block_size": 16}
DEMO_MAX = 64


def run(
    rng: np.random.Generator, seq_len: int, d_model: int, block_size: int, prefix: int
) -> Outcome:
    own_b = max(1, (seq_len - prefix) // 2)
    tokens = {
        "prefix": prefix,
        "A": seq_len - prefix,
        "B": own_b,
    }
    kv = {
        name: (rng.standard_normal((n, d_model)), rng.standard_normal((n, d_model)))
        for name, n in tokens.items()
    }
    contiguous = {
        "A": tuple(np.vstack([kv["prefix"][i], kv["A"][i]]) for i in range(2)),
        "B": tuple(np.vstack([kv["prefix"][i], kv["B"][i]]) for i in range(2)),
    }
    shared = prefix // block_size
    tables = allocate(rng, contiguous, block_size, shared)
    pool_k, pool_v = build_pool(contiguous, tables, block_size, d_model)
    queries = {name: rng.standard_normal((1, d_model)) for name in ("A", "B")}
    paged = {
        name: paged_decode(queries[name], pool_k, pool_v, tables[name], len(contiguous[name][0]))
        for name in ("A", "B")
    }
    plain = {name: attend(queries[name], *contiguous[name])[0] for name in ("A", "B")}
    steps = (
        Step("Tokens", "keys and values of the shared prompt and of each request", _named(kv)),
        Step(
            "Block tables",
            "logical block i -> physical block",
            {"table_A": tables["A"], "table_B": tables["B"]},
            f"{shared} full prompt blocks shared",
        ),
        Step(
            "Pool",
            "physical blocks x slots x d (unused slots are 0)",
            {"pool_K": pool_k, "pool_V": pool_v},
        ),
        Step("Queries", "each request's newest token", {"q_A": queries["A"], "q_B": queries["B"]}),
        Step(
            "Paged decode",
            "gather K, V through the table, attend",
            {"paged_A": paged["A"][0], "paged_B": paged["B"][0]},
        ),
        Step(
            "Contiguous decode",
            "the same attention on contiguous K, V",
            {"contiguous_A": plain["A"], "contiguous_B": plain["B"]},
        ),
    )
    lengths = rng.integers(1, SERVING["max_len"] + 1, SERVING["requests"])
    checks = (
        close(
            "decode through A's block table equals contiguous attention", paged["A"][0], plain["A"]
        ),
        close(
            "decode through B's block table equals contiguous attention", paged["B"][0], plain["B"]
        ),
        Check(
            f"both tables point at the same {shared} physical blocks for the shared prompt",
            bool(np.array_equal(tables["A"][:shared], tables["B"][:shared])),
        ),
        Check(
            "no physical block holds tokens of two requests unless it is shared",
            len(set(tables["A"].tolist()) | set(tables["B"].tolist()))
            == len(tables["A"]) + len(tables["B"]) - shared,
        ),
        _waste_check(lengths),
    )
    heat = heatmap(
        "pool occupancy (rows: physical blocks, cols: slots; 2 = shared)",
        occupancy(tables, contiguous, block_size, len(pool_k)),
        "b",
        "s",
    )
    return Outcome(steps, checks, heat, _table(lengths, contiguous, block_size, shared))


def _named(kv: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    return {f"{kind}_{name}": pair[i] for name, pair in kv.items() for i, kind in enumerate("KV")}


def blocks_for(tokens: int, block_size: int) -> int:
    return -(-tokens // block_size)


def allocate(
    rng: np.random.Generator,
    contiguous: dict[str, tuple[np.ndarray, np.ndarray]],
    block_size: int,
    shared: int,
) -> dict[str, np.ndarray]:
    """Block tables: the first `shared` blocks common to both, the rest each request's own,
    all drawn from the pool in a random order."""
    needed = {name: blocks_for(len(k), block_size) for name, (k, _) in contiguous.items()}
    total = shared + sum(n - shared for n in needed.values())
    free = list(rng.permutation(total))
    common = [free.pop() for _ in range(shared)]
    return {
        name: np.array(common + [free.pop() for _ in range(n - shared)])
        for name, n in needed.items()
    }


def build_pool(
    contiguous: dict[str, tuple[np.ndarray, np.ndarray]],
    tables: dict[str, np.ndarray],
    block_size: int,
    d_model: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Write every token's key and value into its physical block and slot."""
    count = len(set(np.concatenate(list(tables.values())).tolist()))
    pool_k, pool_v = np.zeros((count, block_size, d_model)), np.zeros((count, block_size, d_model))
    for name, (keys, values) in contiguous.items():
        for t in range(len(keys)):
            block, slot = tables[name][t // block_size], t % block_size
            pool_k[block, slot], pool_v[block, slot] = keys[t], values[t]
    return pool_k, pool_v


def paged_decode(
    query: np.ndarray, pool_k: np.ndarray, pool_v: np.ndarray, table: np.ndarray, length: int
) -> tuple[np.ndarray, np.ndarray]:
    """Attention of one query over a request's tokens, read through its block table."""
    d = pool_k.shape[2]
    keys = pool_k[table].reshape(-1, d)[:length]
    values = pool_v[table].reshape(-1, d)[:length]
    return attend(query, keys, values)


def occupancy(
    tables: dict[str, np.ndarray],
    contiguous: dict[str, tuple[np.ndarray, np.ndarray]],
    block_size: int,
    blocks: int,
) -> np.ndarray:
    """How many requests use each slot of each physical block (0 free, 2 shared)."""
    used = np.zeros((blocks, block_size))
    for name, table in tables.items():
        for t in range(len(contiguous[name][0])):
            used[table[t // block_size], t % block_size] += 1
    return used


def _waste(lengths: np.ndarray, block_size: int) -> np.ndarray:
    return np.array([blocks_for(int(n), block_size) * block_size - int(n) for n in lengths])


def _waste_check(lengths: np.ndarray) -> Check:
    waste = _waste(lengths, SERVING["block_size"])
    description = f"paging wastes under one block ({SERVING['block_size']} slots) per request"
    return Check(description, bool(waste.max() < SERVING["block_size"]), None, {"lengths": lengths})


def _table(
    lengths: np.ndarray,
    contiguous: dict[str, tuple[np.ndarray, np.ndarray]],
    block_size: int,
    shared: int,
) -> Table:
    here = np.array([len(k) for k, _ in contiguous.values()])
    tokens, size, reserve = int(here.sum()), SERVING["block_size"], SERVING["max_len"]
    paged = sum(blocks_for(int(n), block_size) for n in here) * block_size
    rows = [
        ("contiguous, 64 reserved each", 2, tokens, 2 * DEMO_MAX),
        ("paged", 2, tokens, paged),
        ("paged, prompt blocks shared", 2, tokens, paged - shared * block_size),
        (
            f"contiguous, {reserve} reserved each",
            len(lengths),
            int(lengths.sum()),
            reserve * len(lengths),
        ),
        (
            "paged",
            len(lengths),
            int(lengths.sum()),
            int(lengths.sum() + _waste(lengths, size).sum()),
        ),
    ]
    cells = tuple((*row, f"{row[3] / row[2]:.2f}") for row in rows)
    columns = ("allocation", "requests", "tokens", "slots reserved", "slots per token")
    title = (
        f"KV-cache slots: this demo (blocks of {block_size}), then {len(lengths)} requests of "
        f"random length up to {reserve} (blocks of {size})"
    )
    return Table(title, columns, cells)
