"""A demo block with a YAML alias bomb in a real review session: the answer shows at once,
with the refusal in its error box, and the session goes on."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pexpect

TIMEOUT = 30


def bomb(levels: int = 9) -> str:
    """Nested aliases that would expand to 9**levels values."""
    lines = ["name: dot", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "\n".join([*lines, f"seq_len: *a{levels - 1}"]) + "\n"


def test_review_session_shows_the_refused_block_and_goes_on(make_vault) -> None:
    today = dt.date.today().isoformat()
    text = (
        f"---\ncreated: '{today}'\nlast_reviewed: null\nnext_review: '{today}'\n"
        "review_count: 0\ndifficulty: medium\nmastery_level: 0.0\ntags:\n- Attention\n"
        "related_outlines: []\n---\n# Alias bomb question\n\n## 面试标准答案\n\n"
        "### 核心要点（30秒版本）\nGAMMA answer text\n\n"
        f"```studycards-demo\n{bomb()}```\n\n"
        "```studycards-demo\nname: masking\nseq_len: 3\npad: 1\n```\n\n"
        "## 深度讲解\nDeep dive.\n"
    )
    vault: Path = make_vault({"notes/Attention/bomb.md": text})
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1", COLUMNS="100", LINES="60")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studycards", "--vault", str(vault), "review"],
        env=env,
        dimensions=(60, 100),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    child.expect("Alias bomb question")
    child.send(" ")
    child.expect("GAMMA answer text")
    child.expect("may not use YAML anchors or aliases")
    child.expect("demo: masking")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "MemoryError" not in (child.before or "")
