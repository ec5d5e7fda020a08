"""group stage of Tidings."""
