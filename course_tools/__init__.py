"""Tools around the course, importable without torch (unlike helpers): the environment check, MNIST's files,
safe file writes, the memory sampler, JupyterLab and Chromium for the browser tests, the scripts' shared code."""
