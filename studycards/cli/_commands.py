"""The table of studycards' commands: each one's module and the first paragraph of its help.

The root group lists commands from this table and imports a command's module only when that
command is run, completed or its own help is shown, so ``studycards --help`` and every single
command start without importing the rest. ``tests/test_cli_startup.py`` checks the table against
the commands' real help, so it cannot drift from them.
"""

from __future__ import annotations

# name: (module under studycards.cli, first paragraph of the command's help), in help order
COMMANDS: dict[str, tuple[str, str]] = {
    "list": (
        "notes",
        "List the vault's notes with topic, difficulty, reviews, mastery today and next review.",
    ),
    "show": ("notes", "Show a note to read: title, the 30-second answer, then the rest."),
    "check": (
        "notes",
        "Check every note; print each problem as path:line: message; exit 1 on any error.",
    ),
    "init": (
        "notes",
        "Create a vault: studycards.yaml, notes/ and one example note. Never overwrites.",
    ),
    "due": (
        "schedule",
        "Show the review queue: overdue, today, this week and later, with today's study list.",
    ),
    "grade": (
        "schedule",
        "Record a review of NOTE without the interactive session (for scripts and editors).",
    ),
    "undo": (
        "schedule",
        "Undo the last review: log an undo and restore the note's frontmatter exactly.",
    ),
    "reschedule": (
        "schedule",
        "Recompute every note's due day from the ledger with the current settings.",
    ),
    "mv": ("schedule", "Move or rename a note; its review history follows it (by its id)."),
    "new": (
        "authoring",
        "Create notes/TOPIC/TITLE.md from the template and print its path. Never overwrites.",
    ),
    "edit": (
        "authoring",
        "Open NOTE in $VISUAL or $EDITOR (else vi), then check it and report any problems.",
    ),
    "fix": (
        "authoring",
        "Add missing frontmatter, normalise safe values, and list what cannot be fixed.",
    ),
    "tags": (
        "authoring",
        "Each tag with its number of notes, notes due, new notes and mean mastery.",
    ),
    "topics": (
        "authoring",
        "Each topic folder with its number of notes, notes due, new notes and mean mastery.",
    ),
    "outline": (
        "authoring",
        "Show an outline as a tree with each note's mastery and due day; without NAME, list them.",
    ),
    "review": (
        "review",
        "Review today's due notes: reveal, grade 1-4, undo, skip, bury, edit. Every grade is "
        "saved at once.",
    ),
    "interview": (
        "review",
        "A mock interview: random questions against the clock, then the reference and a "
        "self-grade.",
    ),
    "stats": (
        "stats",
        "Show progress: notes by stage, reviews, true retention, streaks, time spent, a 30-day\n"
        "due forecast, a year's heatmap and each topic's mastery and level.",
    ),
    "optimize": (
        "stats",
        "Fit FSRS-6 parameters to your own reviews; save them (and your hard/good/easy mix) to\n"
        "studycards.yaml only if they predict later reviews better than the ones in use, on a\n"
        "time-series split (each later part predicted from the reviews before it).",
    ),
    "today": (
        "checklist",
        "Write reviewsToday.md at the vault root: overdue, today and this week as a checklist.",
    ),
    "sync": (
        "checklist",
        "Log the ticked boxes of reviewsToday.md as reviews and mark them done ([✓]).",
    ),
    "link": (
        "related",
        "Write the generated related-notes block ('## 相关笔记') of one note or of every note.",
    ),
    "search": (
        "related",
        "Search titles, answers, deep dives and follow-ups; best first, with each note's "
        "matched line.",
    ),
    "doctor": (
        "doctor",
        "Check that notes, ledger, cache and lock agree; with --repair fix what is safe.",
    ),
    "migrate": (
        "migrate",
        "Make a vault kept with the old scripts a studycards vault, losing nothing.",
    ),
    "merge-note": (
        "migrate",
        "git's merge driver for notes: a note reviewed on two machines merges without conflict.",
    ),
    "export": ("export", "Export the notes: an Anki package or a CSV table."),
    "import": ("importing", "Import notes and reviews: an Anki deck or collection."),
    "demo": ("demo", "Run NumPy attention demos: worked answers."),
}
