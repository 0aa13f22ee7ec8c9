"""`python manage.py load_courses`: load every course under courses/content/ (idempotent, all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.loading import CONTENT_ROOT, ContentError, load_courses


class Command(BaseCommand):
    help = "Load or update every course from its content files. Nothing is written if any file has an error."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--path", type=Path, default=CONTENT_ROOT, help="Content folder (default: %(default)s)"
        )
        parser.add_argument(
            "--check", action="store_true", help="Check the files and roll back; write nothing."
        )

    def handle(self, *args, path: Path, check: bool, **options) -> None:
        try:
            results = load_courses(path, dry_run=check, log=lambda line: self.stdout.write(line))
        except ContentError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(exc.errors)} problem(s) in the content files; nothing was loaded."
            ) from exc
        if check:
            self.stdout.write(self.style.SUCCESS(f"Checked {len(results)} course(s); nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(results)} course(s)."))
