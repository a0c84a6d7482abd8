"""Tools around the course, for its scripts and tests; `helpers` and `viz` never import them.

The environment check (imports without torch, so it can report a missing one), the notebooks' paths,
titles and syllabus, JupyterLab and Chromium for the browser tests, the slide-fit check, the memory
sampler.
"""
