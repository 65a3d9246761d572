"""What the ledger says about a person's progress: stats and activity, the daily
``reviewsToday.md`` checklist and its sync, exports, and Anki packages both ways.

May import ``studycards.upkeep`` (an Anki import writes notes as ``new`` does),
``studycards.scheduling``, ``studycards.notes`` and the base modules.
"""
