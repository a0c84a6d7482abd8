"""Tools around the course (environment check, scripts' shared code); unlike helpers, importable without torch."""
