"""What the ledger says about a person's progress: stats and activity, the daily
``reviewsToday.md`` checklist and its sync, and exports.

May import ``studycards.scheduling``, ``studycards.notes`` and the base modules.
"""
