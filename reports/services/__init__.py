"""Writes of the reports area, one module per concern: ``schedule`` (D5), ``writing`` (drafts,
attachments, submission), ``review`` (comments, accept, return) and ``reminders``."""
