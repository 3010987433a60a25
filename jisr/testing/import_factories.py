"""Import sources and runs of the test world: one finished run with its report and one
run waiting for its mapping, for the Marrakech centre and for the Oujda centre. Report
values carry the centre's person canary, so a page or endpoint showing another centre's
report is caught by the route-walking test."""

from __future__ import annotations

from django.utils import timezone

from jisr.imports.models import ImportIssue, ImportRun, ImportSource, ImportUpload
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_PERSON_OUJDA


def import_world(world) -> dict:
    cached = world.__dict__.get("_imports")
    if cached is not None:
        return cached
    runs, sources = [], []
    for centre, manager, person, canary in (
            (world.centre_marrakech, world.khadija, world.persons["marrakech"],
             CANARY_PERSON_MARRAKECH),
            (world.centre_oujda, world.karim, world.persons["oujda"], CANARY_PERSON_OUJDA)):
        source = ImportSource.objects.create(centre=centre, name=f"Association {canary}",
                                             mapping={"Nom": "family_name"})
        done = ImportRun.objects.create(
            source=source, started_by=manager, dry_run=True, status=ImportRun.Status.DONE,
            file_name=f"{canary}.csv", file_sha256="0" * 64, file_format="csv",
            encoding="utf-8", delimiter=";", headers=["Nom", "Sexe"],
            mapping={"Nom": "family_name", "Sexe": "sex"}, total_rows=2, cursor=2,
            invalid=1, matched=1, started_at=timezone.now(), finished_at=timezone.now())
        ImportIssue.objects.create(run=done, row=2, column="Sexe", field="sex",
                                   value=f"{canary}?", severity="error", code="invalid_sex")
        ImportIssue.objects.create(run=done, row=3, severity="info", code="matched",
                                   value="", person=person, params={"reasons": ["same_cin"]})
        waiting = ImportRun.objects.create(
            source=source, started_by=manager, status=ImportRun.Status.MAPPING,
            file_name="liste.csv", file_sha256="1" * 64, file_format="csv",
            encoding="utf-8", delimiter=";", headers=["Nom", f"{canary} Sexe"],
            mapping={"Nom": "family_name"})
        ImportUpload.objects.create(run=waiting, content=f"Nom;{canary} Sexe\r\n".encode())
        runs += [done.pk, waiting.pk]
        sources.append(source.pk)
    world.__dict__["_imports"] = {"runs": runs, "sources": sources}
    return world.__dict__["_imports"]
