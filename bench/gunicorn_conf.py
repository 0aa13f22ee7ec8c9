"""gunicorn settings for the benchmark (and a sensible start for production): no server version in headers."""

import gunicorn

# gunicorn names itself and its version in the Server header; say nothing about the software instead.
gunicorn.SERVER = "server"
gunicorn.SERVER_SOFTWARE = "server"
accesslog = None
errorlog = "-"
loglevel = "warning"
