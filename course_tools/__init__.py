"""Tools around the course (environment check, memory sampler, scripts' shared code); unlike helpers, importable without torch."""
