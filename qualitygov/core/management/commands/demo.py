"""`qualitygov demo`: migrate, load the demo district and seed plan, print the logins, serve."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from qualitygov.core.registry import DEMO_LOGINS, demo_loaders, hook


class Command(BaseCommand):
    help = "Prepare the demo (idempotent) and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="prepare the database only")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)")

    def handle(self, *args, no_serve: bool = False, addrport: str = "127.0.0.1:8000", **options):
        started = time.perf_counter()
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        for loader in demo_loaders():
            result = loader.run()
            self.stdout.write(f"{loader.key}: {result}")
        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.perf_counter() - started:.1f} s."))
        self.stdout.write("\n演示账号 Demo logins (user / password):")
        for username, password, what in hook(DEMO_LOGINS)():
            self.stdout.write(f"  {username:<10} {password}   {what}")
        if no_serve:
            return
        self.stdout.write(f"\nServing http://{addrport}/ — press Ctrl+C to stop.")
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
