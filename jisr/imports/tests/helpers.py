"""Files and runs for the import tests."""

from __future__ import annotations

import csv
import io

from jisr.imports import services

HEADERS = ["Prénom", "Nom", "الاسم الشخصي", "النسب", "Sexe", "Date de naissance", "CIN",
           "Téléphone", "Commune", "Adresse", "Ménage", "Lien de parenté"]


def csv_bytes(rows: list[list], *, headers=HEADERS, delimiter: str = ";",
              encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def person(first="Amina", family="Alaoui", first_ar="أمينة", family_ar="العلوي", sex="F",
           born="12/03/1985", cin="", phone="", commune="07.351.01.0", address="",
           household="", relationship="") -> list:
    return [first, family, first_ar, family_ar, sex, born, cin, phone, commune, address,
            household, relationship]


def run_import(user, content: bytes, *, dry_run=False, source="Association Al Amal",
               file_name="liste.csv", mapping=None, capture=None):
    """Start and confirm an import as the UI does, run its task, return the run."""
    run = services.import_run_start(actor=user, source_name=source, file_name=file_name,
                                    content=content, dry_run=dry_run, mapping=mapping)
    if capture is not None:
        with capture(execute=True):
            services.import_run_confirm(actor=user, run=run, mapping=run.mapping)
    else:
        services.import_run_confirm(actor=user, run=run, mapping=run.mapping)
        services.import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run
