"""understand stage of Tidings."""
