"""Tools for the course's scripts, benchmark and checks; not imported by the notebooks."""
