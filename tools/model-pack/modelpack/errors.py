class ExportError(Exception):
    """A problem with the user's input that export.py reports as one line and a non-zero exit."""
