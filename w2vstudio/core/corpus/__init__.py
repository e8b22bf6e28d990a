"""Corpus files: reading and tokenising, the scan, keyword in context, downloads, records, streams, lines."""
