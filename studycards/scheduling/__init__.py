"""When each card comes back: FSRS-6 through the engine, the efficient policy, the queue,
the append-only review ledger and its replay, grading, undo, reschedule and optimize.

May import ``studycards.notes`` and the base modules; never review, upkeep, progress,
render or cli.
"""
