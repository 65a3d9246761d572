"""How close every demo comes to the PyTorch reference values in tests/golden/.

    python benchmarks/golden_errors.py

For each demo, the largest absolute difference between its arrays and the float64 PyTorch
values saved by scripts/make_golden.py, over all of its golden cases (infinities must match
exactly and are left out of the difference). The tests require at most 1e-10.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studycards.demos import run_demo  # noqa: E402


def worst_errors(folder: Path) -> dict[str, tuple[int, float]]:
    """Per demo: how many golden files it has and the worst difference over them."""
    found: dict[str, tuple[int, float]] = {}
    for path in sorted(folder.glob("*.npz")):
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            result = run_demo(meta["name"], meta["params"], meta["seed"])
            errors = [0.0]
            for key in data.files:
                if key.startswith("expected__"):
                    ours = result.array(key.split("__", 1)[1]).astype(np.float64)
                    reference = data[key].astype(np.float64)
                    finite = ~np.isinf(reference)
                    errors.append(
                        float(np.max(np.abs(ours[finite] - reference[finite]), initial=0))
                    )
        count, worst = found.get(meta["name"], (0, 0.0))
        found[meta["name"]] = (count + 1, max(worst, *errors))
    return found


def main() -> None:
    found = worst_errors(ROOT / "tests" / "golden")
    print(f"{'demo':22s} {'files':>5s}  max abs error vs PyTorch")
    for name, (count, worst) in found.items():
        print(f"{name:22s} {count:5d}  {worst:.2g}")
    print(f"overall: {max(worst for _, worst in found.values()):.2g} (tests allow 1e-10)")


if __name__ == "__main__":
    main()
