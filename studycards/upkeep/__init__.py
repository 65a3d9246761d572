"""Keeping a vault in shape: init, new notes, edit, fix, check, doctor, related-note
links and similarity, search, outlines and topic summaries.

May import ``studycards.scheduling``, ``studycards.notes`` and the base modules.
"""
