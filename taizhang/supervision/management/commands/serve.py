import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from taizhang.utils.supervisor import Supervisor

from .worker import supervisor_env, worker_programs

# The PostgreSQL advisory lock the app servers take turns at migrating under ("taiz").
MIGRATE_LOCK = 0x7461697A


def migrate():
    """Apply the migrations. App servers started together (a new release behind a load
    balancer) each run this: on PostgreSQL they take turns under an advisory lock, so each
    migration is applied once and the later servers find nothing left to do, instead of
    failing on a table another server just created."""
    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False, verbosity=0)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
    try:
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])


class Command(BaseCommand):
    help = (
        "Migrate, collect static files and serve with gunicorn, with one background worker per "
        "queue, each restarted (with back-off) if it exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TAIZHANG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("TAIZHANG_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.TAIZHANG_WEB_THREADS,
            help="Threads per web worker (gunicorn's gthread): a slow request, a sign-in's "
            "password hashing or a keep-alive connection does not hold a whole process.",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background workers beside the server.",
        )

    def handle(self, *args, bind, workers, threads, no_worker, **options):
        migrate()
        call_command("collectstatic", interactive=False, verbosity=0)
        env = supervisor_env()
        env["TAIZHANG_WEB_THREADS"] = str(threads)  # the sign-in hashing threads (org.hashers)
        web = subprocess.Popen(
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
                # One thread: gunicorn's sync worker, whose timeout also ends a slow request.
                "--worker-class",
                "gthread" if threads > 1 else "sync",
                "--threads",
                str(threads),
                # Stated, not gunicorn's default: how long a worker may stop answering gunicorn
                # (with one thread, a request's longest run) before it is restarted.
                "--timeout",
                str(settings.TAIZHANG_WEB_TIMEOUT),
                "--access-logfile",
                "-",
            ],
            env=env,
        )
        self.stdout.write(f"taizhang is serving on http://{bind}/")
        supervisor = Supervisor([] if no_worker else worker_programs(), env=env)
        try:
            # gunicorn keeps its own web workers alive; when it exits, so does serve.
            supervisor.run_until_signalled(alive=lambda: web.poll() is None)
        finally:
            if web.poll() is None:
                web.terminate()
            try:
                web.wait(timeout=10)
            except subprocess.TimeoutExpired:
                web.kill()
                web.wait()
        if web.returncode:
            sys.exit(web.returncode)
