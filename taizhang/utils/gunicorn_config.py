"""gunicorn's configuration for ``taizhang serve`` (``-c python:taizhang.utils.gunicorn_config``).

gunicorn announces itself and its version in every response (``Server: gunicorn/27.0.1``) and
in the WSGI environment; a version banner tells an attacker which advisories apply. The name is
bound at import time in the modules that send it, so each binding is replaced here, in the
master process, before any worker is forked.
"""

import gunicorn
import gunicorn.arbiter
import gunicorn.http.wsgi

SERVER_NAME = "web"

for module in (gunicorn, gunicorn.arbiter, gunicorn.http.wsgi):
    if hasattr(module, "SERVER"):
        module.SERVER = SERVER_NAME
    if hasattr(module, "SERVER_SOFTWARE"):
        module.SERVER_SOFTWARE = SERVER_NAME
