"""Write the efficient scheduler's policy for the default settings into studycards/scheduling/data/.

Usage: python scripts/make_policy.py

Default parameters, desired retention 0.9, maximum interval 365 days: what a new vault uses.
``tests/test_policy.py`` checks that the shipped file is the one a fresh solve gives, and fails
(asking for this script) when the engine's default parameters or the solver change.
"""

from __future__ import annotations

import sys

from studycards.notes.config import Config
from studycards.scheduling import policy, policy_cache


def main() -> int:
    config = Config()
    policy_cache.BUNDLED.mkdir(exist_ok=True)
    for old in policy_cache.BUNDLED.glob("policy-*.npz"):
        old.unlink()
    engine = policy_cache._engine_for(None)
    model = policy.build_model(engine, config.maximum_interval)
    solved = policy.calibrate(model, engine, config.desired_retention)
    key = policy_cache._key(engine.parameters, config.desired_retention, config.maximum_interval)
    path = policy_cache.BUNDLED / f"policy-{key}.npz"
    policy_cache._save(path, solved)
    print(f"wrote {path} (price {solved.price:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
