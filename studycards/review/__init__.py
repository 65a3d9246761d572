"""The daily review session as a UI-free state machine (keys in, screens out), its
backend that grades through the scheduler, and mock interviews.

May import ``studycards.scheduling``, ``studycards.notes`` and the base modules.
"""
