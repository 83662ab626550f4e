"""itsm-cli: ISO/IEC 20000-1 compliance toolkit for IT service management records in Git."""

__version__ = "0.1.0"
