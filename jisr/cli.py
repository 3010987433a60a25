"""The ``jisr`` command.

``jisr demo``, ``jisr serve``, ``jisr worker`` and every Django management command
(``jisr migrate``, ``jisr load-territories``…; hyphens and underscores are the same), plus
``jisr dedup`` and ``jisr compile-translations``, which need no database and no configuration.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "dedup":
        from jisr.matching.cli import main as dedup

        return dedup(argv[1:])
    if argv and argv[0] in ("compile-translations", "compile_translations"):
        # A build step (make install): needs no settings, no secret, no database.
        from jisr.core.i18n import compile_catalogues

        for path in compile_catalogues():
            print(f"compiled {path}")
        return 0
    if argv and argv[0] == "demo":
        os.environ.setdefault("JISR_DEMO", "1")
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jisr", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
