"""Terminal input as a stream of named keys: every byte read becomes a key or is dropped safely.

A terminal delivers key presses as bytes, and a fast typist (or a slow machine) makes several
arrive in one read: ``jjjjj``, `` 3``, two arrow keys back to back. :class:`KeyParser` turns
any such chunk into the keys it holds, in order, keeping partial input (an escape sequence or a
UTF-8 character split across reads) for the next chunk. Bracketed paste (``ESC [200~`` ...
``ESC [201~``) is swallowed whole, so pasted text never acts as keys. A lone ESC is reported
as ``escape`` once :meth:`KeyParser.flush` is called after a short quiet spell.
"""

from __future__ import annotations

import codecs

ESC = "\x1b"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"

# CSI (``ESC [``) and SS3 (``ESC O``) sequences by their final text.
_NAMED = {
    "[A": "up",
    "[B": "down",
    "[C": "right",
    "[D": "left",
    "[H": "home",
    "[F": "end",
    "[Z": "shift-tab",
    "[1~": "home",
    "[4~": "end",
    "[7~": "home",
    "[8~": "end",
    "[5~": "pgup",
    "[6~": "pgdn",
    "[3~": "delete",
    "OA": "up",
    "OB": "down",
    "OC": "right",
    "OD": "left",
    "OH": "home",
    "OF": "end",
}
_SINGLE = {"\t": "tab", "\r": "enter", "\n": "enter", "\x7f": "backspace", "\x08": "backspace"}


class KeyParser:
    """Feed it raw bytes; get back every key they hold, in order."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._in_paste = False

    def feed(self, data: bytes) -> list[str]:
        """The keys in ``data`` (plus what an earlier chunk left unfinished)."""
        self._pending += self._decoder.decode(data)
        keys: list[str] = []
        while self._pending:
            taken = self._take(keys)
            if taken == 0:
                break  # an unfinished sequence: wait for more bytes
            self._pending = self._pending[taken:]
        return keys

    def flush(self) -> list[str]:
        """Input went quiet: a pending lone ESC is the Escape key; anything else is dropped."""
        pending, self._pending = self._pending, ""
        if self._in_paste:
            return []
        return ["escape"] if pending == ESC else []

    @property
    def waiting(self) -> bool:
        """True while an unfinished escape sequence waits for its end."""
        return bool(self._pending)

    def _take(self, keys: list[str]) -> int:
        text = self._pending
        if self._in_paste:
            end = text.find(PASTE_END)
            if end < 0:  # keep a tail that may be the start of the end marker
                return max(0, len(text) - len(PASTE_END) + 1)
            self._in_paste = False
            return end + len(PASTE_END)
        if text[0] != ESC:
            keys.append(_SINGLE.get(text[0], text[0]))
            return 1
        return self._take_escape(text, keys)

    def _take_escape(self, text: str, keys: list[str]) -> int:
        if len(text) == 1:
            return 0
        if text[1] == ESC:  # ESC ESC: the first one was a lone Escape
            keys.append("escape")
            return 1
        if text[1] == "O":
            if len(text) < 3:
                return 0
            name = _NAMED.get(text[1:3])
            if name:
                keys.append(name)
            return 3
        if text[1] != "[":  # Alt+key arrives as ESC key: keep the key, drop the Alt
            return 1
        return self._take_csi(text, keys)

    def _take_csi(self, text: str, keys: list[str]) -> int:
        for end in range(2, len(text)):
            char = text[end]
            if "\x40" <= char <= "\x7e":  # the final byte of a CSI sequence
                sequence = text[: end + 1]
                if sequence == PASTE_START:
                    self._in_paste = True
                elif name := _NAMED.get(sequence[1:]):
                    keys.append(name)
                return end + 1
            if not ("\x20" <= char <= "\x3f"):  # not a CSI byte: the sequence was cut short
                return end
        return 0
