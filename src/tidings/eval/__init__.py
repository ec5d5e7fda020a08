"""eval stage of Tidings."""
