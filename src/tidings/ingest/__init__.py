"""Ingest: find sources under paths and unpack them into raw documents."""
