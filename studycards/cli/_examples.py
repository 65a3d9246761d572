"""One or two examples for each command's ``--help``, shown under its options."""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, tuple[str, ...]] = {
    "list": ("studycards list --due", "studycards list --topic Attention --sort mastery --json"),
    "show": (
        'studycards show "scaled dot"',
        "studycards show notes/Transformer/RoPE旋转位置编码.md --short",
    ),
    "check": ("studycards check", "studycards check --json"),
    "init": (
        "studycards init my-vault",
        "studycards init --sample study  (the bundled sample vault)",
    ),
    "due": ("studycards due", "studycards due --order risk --until 2026-12-20"),
    "grade": (
        "studycards grade RoPE旋转 good",
        "studycards grade notes/Attention/x.md 3 --duration 40",
    ),
    "undo": ("studycards undo", "studycards undo --json"),
    "reschedule": ("studycards reschedule --dry-run", "studycards reschedule"),
    "mv": ("studycards mv RoPE旋转 notes/Transformer/RoPE.md",),
    "new": ('studycards new "What is RoPE" --topic Transformer --edit',),
    "edit": ("studycards edit RoPE旋转",),
    "fix": ("studycards fix --dry-run", "studycards fix"),
    "tags": ("studycards tags", "studycards tags --all --json"),
    "topics": ("studycards topics", "studycards topics --json"),
    "outline": ("studycards outline", 'studycards outline "Inference outline"'),
    "review": ("studycards review", "studycards review --topic Attention --limit 10 --timed"),
    "interview": ("studycards interview --topic Attention --n 5", "studycards interview --seed 7"),
    "stats": ("studycards stats", "studycards stats --svg stats.svg"),
    "optimize": ("studycards optimize --dry-run", "studycards optimize --retention"),
    "today": ("studycards today", "studycards today --all --force"),
    "sync": ("studycards sync", "studycards sync --commit --push  (the nightly step)"),
    "migrate": ("studycards migrate", "studycards --vault ~/notes migrate"),
    "merge-note": ("git config merge.studycards.driver 'studycards merge-note %O %A %B %P'",),
    "import": ("studycards import anki ~/Downloads/interview.apkg",),
    "import anki": (
        "studycards import anki ~/Downloads/interview.apkg --topic Anki",
        "studycards import anki interview.apkg --force",
    ),
    "link": ("studycards link --dry-run", 'studycards link "RoPE旋转"'),
    "search": ("studycards search 注意力", 'studycards search "KV cache" -n 5 --json'),
    "doctor": ("studycards doctor", "studycards doctor --repair"),
    "export": ("studycards export anki prep.apkg", "studycards export csv prep.csv --force"),
    "export anki": (
        "studycards export anki prep.apkg",
        "studycards export anki ~/interview.apkg --force",
    ),
    "export csv": (
        "studycards export csv prep.csv",
        "studycards export csv prep.csv --no-followups",
    ),
    "demo": ("studycards demo list", "studycards demo run multi-head --heads 4"),
    "demo list": ("studycards demo list", "studycards demo list --json"),
    "demo run": ("studycards demo run multi-head --heads 4", "studycards demo run rope --json"),
    "demo explain": ("studycards demo explain kv-cache", "studycards demo explain rope --json"),
}


def epilog(name: str) -> str | None:
    lines = EXAMPLES.get(name)
    if not lines:
        return None
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


def add_examples(command: Any, name: str) -> None:
    """Set the examples as the command's epilog (and its sub-commands', for a group)."""
    if not getattr(command, "epilog", None):
        command.epilog = epilog(name)
    for sub_name, sub in getattr(command, "commands", {}).items():
        add_examples(sub, f"{name} {sub_name}")
