"""The key parser: every key in a burst acts, escape sequences split anywhere, paste ignored."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studycards.review.keys import KeyParser


def keys(*chunks: bytes) -> list[str]:
    parser = KeyParser()
    out: list[str] = []
    for chunk in chunks:
        out += parser.feed(chunk)
    return out + parser.flush()


def test_ten_keys_in_one_read_are_ten_keys() -> None:
    assert keys(b"j" * 10) == ["j"] * 10


def test_space_then_grade_typed_fast_both_act() -> None:
    assert keys(b" 3") == [" ", "3"]


def test_escape_sequences_back_to_back() -> None:
    assert keys(b"\x1b[A\x1b[B\x1b[5~\x1b[6~\x1bOA\x1b[Z") == [
        "up",
        "down",
        "pgup",
        "pgdn",
        "up",
        "shift-tab",
    ]


def test_a_sequence_split_across_reads_waits_for_its_end() -> None:
    parser = KeyParser()
    assert parser.feed(b"j\x1b[") == ["j"]
    assert parser.waiting
    assert parser.feed(b"6") == []
    assert parser.feed(b"~k") == ["pgdn", "k"]


def test_enter_tab_and_utf8_split_in_the_middle() -> None:
    parser = KeyParser()
    assert parser.feed(b"\r\t\n") == ["enter", "tab", "enter"]
    data = "好".encode()
    assert parser.feed(data[:1]) == []
    assert parser.feed(data[1:]) == ["好"]


def test_lone_escape_is_reported_after_quiet() -> None:
    parser = KeyParser()
    assert parser.feed(b"\x1b") == []
    assert parser.flush() == ["escape"]
    assert keys(b"\x1b\x1b[A") == ["escape", "up"]


def test_unknown_sequences_and_alt_keys_are_dropped_not_misread() -> None:
    # F5 (ESC [15~), a mouse report (ESC [<0;3;4M) and Alt+q: none may act as its letters.
    assert keys(b"\x1b[15~\x1b[<0;3;4Mj") == ["j"]
    assert keys(b"\x1bq") == ["q"]


def test_bracketed_paste_is_ignored_whole() -> None:
    pasted = b"\x1b[200~" + b"q3 4 jjj\x1b[A" + b"\x1b[201~"
    assert keys(b"j" + pasted + b"k") == ["j", "k"]
    # the end marker split across reads
    assert keys(b"\x1b[200~qqq\x1b[20", b"1~3") == ["3"]


@given(st.lists(st.sampled_from(["j", "3", " ", "\x1b[A", "\x1b[6~", "\r", "é"]), max_size=30))
def test_any_split_of_a_stream_gives_the_same_keys(parts: list[str]) -> None:
    data = "".join(parts).encode()
    whole = keys(data)
    for cut in range(len(data) + 1):
        assert keys(data[:cut], data[cut:]) == whole
