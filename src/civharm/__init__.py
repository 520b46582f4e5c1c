"""civharm: civilian harm tracking, assessment and response through the human-security lens."""

__version__ = "0.1.0"
