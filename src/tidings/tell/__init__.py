"""tell stage of Tidings."""
