"""The vault and its notes: finding note files, the settings, parsing notes into the
``Note`` model with its sections, and lossless frontmatter edits.

May import only the base modules (``studycards.errors``, ``_atomic``, ``_parallel``, ``lock``).
"""
