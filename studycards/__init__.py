"""studycards: spaced-repetition study of a vault of Markdown interview notes."""

__version__ = "0.1.0"
