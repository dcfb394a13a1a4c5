import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, collect static files and serve with gunicorn, with the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TAIZHANG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("TAIZHANG_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker beside the server.",
        )

    def handle(self, *args, bind, workers, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        children = []
        if not no_worker:
            children.append(
                subprocess.Popen([sys.executable, "-m", "taizhang.cli", "worker"], env=env)
            )
        children.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "taizhang.wsgi",
                    "--config=python:taizhang.utils.gunicorn_config",
                    "--bind",
                    bind,
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                ],
                env=env,
            )
        )
        self.stdout.write(f"taizhang is serving on http://{bind}/")

        def stop(*_):
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            children[-1].wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                child.wait(timeout=10)
