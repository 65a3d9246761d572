"""Text for the terminal without Rich: control characters removed, JSON with them escaped.

Plain-output commands (``--json``, one-line messages) use these without importing Rich;
:mod:`studycards.render.safe` builds its console on the same rules.
"""

from __future__ import annotations

import json
import re

# C0 controls except tab and newline, DEL, and the C1 controls (which include the 8-bit CSI).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNESCAPED_IN_JSON = re.compile("[\x7f-\x9f]")  # JSON escapes C0 itself, not DEL or C1


def json_text(data: object, allow_nan: bool = True) -> str:
    """``data`` as JSON for a terminal: every control character escaped (``\\u009b``)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=allow_nan)
    return _UNESCAPED_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean(text: str) -> str:
    """``text`` with every control character but tab and newline removed."""
    return CONTROL.sub("", text)
