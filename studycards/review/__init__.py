"""The daily review session as a UI-free state machine (keys in, screens out), its
backend that grades through the scheduler, mock interviews, which notes a sitting covers, the
terminal key parser and the scrolling pane's position.

May import ``studycards.scheduling``, ``studycards.notes`` and the base modules.
"""
