"""Writing records: `itsm init`, `itsm new`, `itsm fmt`, and the safe file writer they share.

Nothing here imports the CLI. Every write goes through `writer.write_atomic`: a temporary file
in the same folder renamed into place, the file's mode, line endings and final newline kept,
the original untouched on any error.
"""
