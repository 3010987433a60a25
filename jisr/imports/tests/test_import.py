"""Importing persons and households: what is written, what is refused and reported,
duplicates, idempotence, dry runs, households, audit."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import Workbook

from jisr.core.exceptions import AccessDenied, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.imports import services
from jisr.imports.messages import message
from jisr.imports.models import ImportedRow, ImportIssue, ImportRun, StagedKey, StagedRow
from jisr.imports.tests.helpers import HEADERS, csv_bytes, person, run_import
from jisr.registry import services as registry_services
from jisr.registry.duplicates import person_match_keys_refresh
from jisr.registry.models import (
    Household,
    HouseholdMembership,
    IdentityDocument,
    Person,
    PersonFollow,
    PersonMatchKey,
    Phone,
)
from jisr.testing.person_factories import PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH


def _issues(run, **filters):
    return list(ImportIssue.objects.filter(run=run, **filters).order_by("row", "pk"))


def _registry_counts():
    return (Person.objects.count(), IdentityDocument.objects.count(), Phone.objects.count(),
            PersonFollow.objects.count(), PersonMatchKey.objects.count(),
            Household.objects.count(), HouseholdMembership.objects.count())


def test_an_imported_person_is_what_registration_writes(world):
    # Given a person registered at reception, and the same person in another centre's file
    registered = registry_services.person_create(
        actor=world.karim, first_name_lat="Youssef", family_name_lat="Bennani",
        first_name_ar="يوسف", family_name_ar="بناني", sex="male",
        birth_date=date(1990, 3, 12), commune=world.persons["oujda"].commune,
        address="12 Rue Atlas",
        documents=[{"kind": "cin", "number": "ab 123 456"}, {"kind": "rsu",
                                                              "number": "123 456 789"}],
        phones=[{"number": "06 12 34 56 00"}])
    headers = [*HEADERS, "RSU"]
    row = person(first="Youssef", family="Bennani", first_ar="يوسف", family_ar="بناني",
                 sex="M", born="12/03/1990", cin="ab 123 456", phone="06 12 34 56 00",
                 commune="02.411.01.23", address="12 Rue Atlas") + ["123 456 789"]
    # The CIN is taken: the file's row is recognised, so change the CIN for the comparison
    row[6] = "AB654321"
    run = run_import(world.khadija, csv_bytes([row], headers=headers))
    assert run.status == ImportRun.Status.DONE
    imported = Person.objects.exclude(pk=registered.pk).get(family_name_lat="Bennani")
    # Then every field is written as the registration service writes it
    for name in (*Person.NAME_FIELDS, "sex", "birth_date", "birth_year", "birth_approximate",
                 "commune_id", "address", "languages", "vulnerabilities", "name_key"):
        assert getattr(imported, name) == getattr(registered, name), name
    assert imported.registered_at == world.centre_marrakech
    assert imported.registered_by == world.khadija
    assert sorted(imported.documents.values_list("kind", "number")) == [
        ("cin", "AB654321"), ("rsu", "123456789")]
    assert list(imported.phones.values_list("number", flat=True)) == ["+212612345600"]
    assert list(PersonFollow.objects.filter(person=imported).values_list(
        "centre_id", "until")) == [(world.centre_marrakech.pk, None)]
    imported.full_clean()
    # …and its matching keys are exactly those the registry computes
    keys = set(PersonMatchKey.objects.filter(person=imported).values_list("key", flat=True))
    assert keys
    person_match_keys_refresh(imported)
    assert keys == set(PersonMatchKey.objects.filter(person=imported).values_list("key",
                                                                                   flat=True))
    # The row matched Youssef (same names, date, phone) but the CINs differ: a pair to
    # check, reported, not a silent merge
    issue = ImportIssue.objects.get(run=run)
    assert issue.code in ("possible_duplicate", "matched")


BAD_ROWS = {
    3: (person(cin="123ABC"), "CIN", "invalid_cin"),
    4: (person(born="31/02/1985"), "Date de naissance", "invalid_date"),
    5: (person(born="03/12/2099"), "Date de naissance", "birth_range"),
    6: (person(commune="Atlantide"), "Commune", "unknown_commune"),
    7: (person(phone="12345"), "Téléphone", "invalid_phone"),
    8: (person(first="", first_ar="", family="", family_ar=""), "", "required_names"),
    9: (person(first="<script>alert(1)</script>"), "Prénom", "hostile_text"),
    10: (person(address="=HYPERLINK(\"http://evil\")"), "Adresse", "formula"),
    11: (person(family="Ala\u202eoui"), "Nom", "hostile_text"),
    12: (person(first="Amina2"), "Prénom", "invalid_name"),
    13: (person(sex="X"), "Sexe", "invalid_sex"),
    14: (person(born=""), "", "required_birth"),
    15: (person(address="x" * 400), "Adresse", "too_long"),
    16: (person(household="", relationship="fils"), "Lien de parenté",
         "relationship_without_household"),
}


def test_each_bad_cell_is_reported_with_its_row_column_and_a_translated_message(world):
    rows = [person(first="Samira", family="Idrissi", first_ar="سميرة", family_ar="الإدريسي")]
    rows += [r for r, _c, _code in BAD_ROWS.values()]
    before = _registry_counts()
    run = run_import(world.khadija, csv_bytes(rows))
    assert run.created == 1 and run.invalid == len(BAD_ROWS)
    assert _registry_counts()[0] == before[0] + 1
    found = {(i.row, i.column, i.code) for i in _issues(run, severity="error")}
    for row, (_r, column, code) in BAD_ROWS.items():
        assert (row, column, code) in found, (row, column, code)
    # The hostile value is kept as text for the report, never interpreted
    script = ImportIssue.objects.get(run=run, row=9)
    assert script.value == "<script>alert(1)</script>"
    # Messages in Arabic and French
    for code in {code for _r, _c, code in BAD_ROWS.values()}:
        with translation.override("fr"):
            french = message(code, {"max": 300})
        with translation.override("ar"):
            arabic = message(code, {"max": 300})
        assert french and arabic and french != arabic, code
    with translation.override("fr"):
        assert "CIN" in message("invalid_cin") and "chiffres" in message("invalid_cin")


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8-sig", ";"), ("cp1256", ","), ("utf-16", "\t"), ("utf-8", "|")])
def test_arabic_files_in_every_usual_encoding_and_delimiter(world, encoding, delimiter):
    content = csv_bytes([person(first="", family="", first_ar="خديجة", family_ar="الفاسي",
                                born="1960")], delimiter=delimiter, encoding=encoding)
    run = run_import(world.khadija, content)
    assert run.created == 1, _issues(run)
    assert run.delimiter == delimiter
    assert Person.objects.filter(first_name_ar="خديجة", family_name_ar="الفاسي").exists()


def test_a_french_latin1_file(world):
    content = csv_bytes([person(first="Hélène", family="Béchar", first_ar="", family_ar="")],
                        encoding="latin-1", headers=[
                            "Prénom", "Nom", "Prénom (arabe)", "Nom (arabe)", "Sexe",
                            "Né(e) le", "CIN", "Téléphone", "Commune", "Adresse", "Ménage",
                            "Lien de parenté"])
    run = run_import(world.khadija, content)
    assert run.encoding in ("cp1252", "latin-1") and run.created == 1
    assert Person.objects.filter(first_name_lat="Hélène", family_name_lat="Béchar").exists()


def test_an_xlsx_workbook_with_real_dates_and_numbers(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Last name", "Gender", "Date of birth", "Phone", "Commune"])
    sheet.append(["Rachida", "Tazi", "female", date(1975, 6, 1), 612345679, "Marrakech"])
    sheet.append(["Omar", "Tazi", "male", "1970", "0612345670", "07.351.01.0"])
    stream = io.BytesIO()
    workbook.save(stream)
    run = run_import(world.khadija, stream.getvalue(), file_name="liste.xlsx")
    assert run.file_format == "xlsx" and run.created == 2, _issues(run)
    rachida = Person.objects.get(first_name_lat="Rachida")
    assert rachida.birth_date == date(1975, 6, 1)
    assert rachida.commune.code == "07.351.01.0"
    assert rachida.phones.get().number == "+212612345679"


def test_an_unreadable_or_oversized_file_is_refused_and_nothing_kept(world, settings):
    runs = ImportRun.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.import_run_start(actor=world.khadija, source_name="X", file_name="a.pdf",
                                  content=b"%PDF-1.4\x00\x00\x00" + bytes(range(256)) * 8)
    assert "file" in refused.value.fields
    settings.JISR_IMPORT_MAX_MB = 1
    with pytest.raises(ValidationFailed) as refused:
        services.import_run_start(actor=world.khadija, source_name="X", file_name="a.csv",
                                  content=csv_bytes([person()] * 20000))
    with translation.override("fr"):
        assert "1 MB" in str(refused.value.message) or "1 Mo" in str(refused.value.message)
    assert ImportRun.objects.count() == runs


def test_only_a_centre_manager_imports(world):
    for name in ("amina", "youssef", "laila", "admin", "karim", "rachid"):
        with pytest.raises(AccessDenied):
            services.import_run_start(actor=world.users[name], source_name="X",
                                      file_name="a.csv", content=csv_bytes([person()]))


def test_a_probable_match_is_not_created_but_linked(world):
    # Fatima El Canary… is registered in Marrakech with her CIN; the file has her with a
    # misspelt name and no CIN, same birth year and phone
    row = person(first="Fatima", family=f"El {CANARY_PERSON_MARRAKECH}", first_ar="فاطمة",
                 family_ar="العلوي", born="1984", phone="0612345678")
    run = run_import(world.khadija, csv_bytes([row]))
    assert run.created == 0 and run.matched == 1
    issue = ImportIssue.objects.get(run=run)
    assert issue.code == "matched" and issue.person == world.persons["marrakech"]
    assert issue.params["reasons"]
    assert ImportedRow.objects.get(source=run.source).outcome == "matched"


def test_the_same_cin_elsewhere_is_the_same_person_and_grants_no_access(world):
    # Mohammed of Oujda, by his CIN, imported by Marrakech
    row = person(first="Mohamed", family="Autre", first_ar="", family_ar="", sex="M",
                 born="1990", cin="F654321")
    run = run_import(world.khadija, csv_bytes([row]))
    assert run.matched == 1 and run.created == 0
    assert ImportIssue.objects.get(run=run).code == "same_national_id"
    # Importing his CIN does not make Marrakech follow him
    assert not PersonFollow.objects.filter(person=world.persons["oujda"],
                                           centre=world.centre_marrakech).exists()


def test_of_two_candidates_alike_the_earliest_registered_is_named_whatever_the_set_order(
        world):
    # Given the same woman registered twice, alike in every field (ids chosen so that a set
    # of them iterates the later one first)
    twins = [PersonFactory(pk=pk, first_name_lat="Hanane", family_name_lat="Ouazzani",
                           first_name_ar="حنان", family_name_ar="الوزاني",
                           birth_date=date(1987, 4, 9), birth_year=1987,
                           commune=world.persons["marrakech"].commune,
                           registered_at=world.centre_marrakech, phone="0662554433")
             for pk in (1016, 1009)]
    assert list({1009, 1016}) == [1016, 1009]
    # When a file names her once more
    row = person(first="Hanane", family="Ouazzani", first_ar="حنان", family_ar="الوزاني",
                 born="09/04/1987", phone="0662554433")
    run = run_import(world.khadija, csv_bytes([row]))
    # Then the row is hers, and of the two the one registered first (the lowest id)
    assert run.matched == 1, _issues(run)
    assert ImportIssue.objects.get(run=run).person == twins[1]


def test_duplicates_within_the_file(world):
    rows = [person(first="Zineb", family="Amrani", first_ar="زينب", family_ar="العمراني",
                   born="02/05/1992", phone="0661223344"),
            person(first="Zaynab", family="Amrani", first_ar="", family_ar="",
                   born="1992-05-02", phone="+212661223344"),
            person(first="Karima", family="Saidi", cin="BK998877", born="1980"),
            person(first="Karima", family="Saidi", cin="bk 998877", born="1980",
                   address="Derb 4")]
    run = run_import(world.khadija, csv_bytes(rows), mapping=None)
    assert run.created == 2 and run.duplicates_in_file == 2, _issues(run)
    by_row = {i.row: i for i in _issues(run)}
    assert by_row[3].code == "duplicate_in_file" and by_row[3].other_row == 2
    assert by_row[5].other_row == 4
    zineb = Person.objects.get(first_name_lat="Zineb")
    assert by_row[3].person == zineb


def test_duplicates_across_chunks_of_the_file_in_a_real_and_a_dry_run(world, settings):
    settings.JISR_IMPORT_CHUNK_ROWS = 2
    rows = [person(first=f"Personne{chr(65 + i)}", family="Kettani", born=f"0{i + 1}/01/1990",
                   first_ar="", family_ar="") for i in range(4)]
    rows.append(person(first="PersonneA", family="Kettani", born="1990-01-01", first_ar="",
                       family_ar="", phone="0612000000"))
    dry = run_import(world.khadija, csv_bytes(rows), dry_run=True)
    real = run_import(world.khadija, csv_bytes(rows))
    for run in (dry, real):
        assert (run.created, run.duplicates_in_file) == (4, 1), _issues(run)
        duplicate = _issues(run, row=6)[0]
        assert duplicate.code == "duplicate_in_file" and duplicate.other_row == 2
    assert not StagedRow.objects.exists() and not StagedKey.objects.exists()


def test_worker_processes_parsing_ahead_change_nothing_in_the_outcome(world, settings):
    settings.JISR_IMPORT_CHUNK_ROWS = 2
    rows = [person(first=f"Personne{chr(65 + i)}", family="Kettani", born=f"0{i + 1}/01/1990",
                   first_ar="", family_ar="") for i in range(4)]
    rows.insert(2, person(first="Personne", family="Kettani", born="31/02/1990"))
    rows.append(person(first="PersonneA", family="Kettani", born="1990-01-01", first_ar="",
                       family_ar="", phone="0612000000"))
    rows.insert(4, [""] * len(HEADERS))  # a blank line
    run = services.import_run_start(actor=world.khadija, source_name="S", file_name="a.csv",
                                    content=csv_bytes(rows), dry_run=False)
    services.import_run_confirm(actor=world.khadija, run=run, mapping=run.mapping)
    services.import_run_execute(run_id=run.pk, workers=2)
    run.refresh_from_db()
    assert run.status == "done" and run.cursor == 7
    assert (run.created, run.duplicates_in_file, run.invalid) == (4, 1, 1), _issues(run)
    codes = [(i.row, i.code) for i in _issues(run)]
    assert (4, "invalid_date") in codes and (8, "duplicate_in_file") in codes, codes
    assert {c for _r, c in codes} == {"invalid_date", "duplicate_in_file",
                                      "possible_duplicate_in_file"}
    assert _issues(run, row=8)[0].other_row == 2
    assert ImportedRow.objects.filter(run=run).count() == 5


def test_a_chunk_retried_after_a_conflict_is_judged_anew_with_workers(world, settings,
                                                                      monkeypatch):
    from django.db import IntegrityError

    from jisr.imports import engine

    settings.JISR_IMPORT_CHUNK_ROWS = 2
    rows = [person(first=f"Personne{chr(65 + i)}", family="Kettani", born=f"0{i + 1}/01/1990",
                   first_ar="", family_ar="") for i in range(4)]
    rows.append(person(first="PersonneA", family="Kettani", born="1990-01-01", first_ar="",
                       family_ar="", phone="0612000000"))
    write, calls = engine.Importer._write, []

    def taken_meanwhile_once(self, chunk_rows, counts):
        # Given a registration elsewhere that takes a CIN while the last chunk is written
        write(self, chunk_rows, counts)
        calls.append(len(chunk_rows))
        if len(calls) == 3:
            raise IntegrityError("taken meanwhile")

    monkeypatch.setattr(engine.Importer, "_write", taken_meanwhile_once)
    run = services.import_run_start(actor=world.khadija, source_name="S", file_name="a.csv",
                                    content=csv_bytes(rows), dry_run=False)
    services.import_run_confirm(actor=world.khadija, run=run, mapping=run.mapping)
    services.import_run_execute(run_id=run.pk, workers=2)
    run.refresh_from_db()
    # Then the chunk rolled back and checked again counts and writes each row once
    assert len(calls) == 4
    assert (run.created, run.duplicates_in_file, run.cursor) == (4, 1, 5), _issues(run)
    assert Person.objects.filter(family_name_lat="Kettani").count() == 4
    assert ImportedRow.objects.filter(run=run).count() == 5
    assert _issues(run, row=6)[0].other_row == 2


def test_a_possible_duplicate_is_created_and_reported(world):
    # Same names as Fatima of Marrakech, born a year apart, nothing else to confirm or
    # refute it: a pair for a person to check
    row = person(first="Fatima", family=f"El {CANARY_PERSON_MARRAKECH}", first_ar="",
                 family_ar="", born="1985", commune="")
    run = run_import(world.khadija, csv_bytes([row]))
    assert run.created == 1 and run.possible_duplicates == 1, _issues(run)
    issue = ImportIssue.objects.get(run=run)
    assert issue.code == "possible_duplicate" and issue.severity == "warning"
    assert issue.person == world.persons["marrakech"]


def test_the_same_file_twice_adds_nothing(world):
    names = ("Abdelkader", "Souad", "Mehdi", "Ghita", "Anas")
    rows = [person(first=names[i], family="Berrada", born=f"1{i}/02/19{60 + i * 7}",
                   household="H1", relationship="chef" if i == 0 else "enfant")
            for i in range(5)]
    first = run_import(world.khadija, csv_bytes(rows))
    assert first.created == 5 and first.households_created == 1
    counts = _registry_counts()
    # Re-saved by another program: other delimiter, phone and date formats unchanged
    second = run_import(world.khadija, csv_bytes(rows, delimiter=","))
    assert second.created == 0 and second.already_imported == 5
    assert _registry_counts() == counts
    assert not _issues(second)


def test_a_dry_run_writes_nothing_to_the_registry_and_reports_what_would_happen(world):
    rows = [person(first="Hafsa", family="Lahlou"), person(cin="bad"),
            person(first="Fatima", family=f"El {CANARY_PERSON_MARRAKECH}", born="1984",
                   cin="BE123456")]
    before = _registry_counts()
    dry = run_import(world.khadija, csv_bytes(rows), dry_run=True)
    assert _registry_counts() == before
    assert not ImportedRow.objects.exists()
    assert (dry.created, dry.invalid, dry.matched) == (1, 1, 1)
    # Then the real import does what the dry run said
    real = services.import_run_for_real(actor=world.khadija, run=dry)
    services.import_run_execute(run_id=real.pk)
    real.refresh_from_db()
    assert (real.created, real.invalid, real.matched) == (1, 1, 1)
    assert Person.objects.count() == before[0] + 1


def test_households_and_their_heads(world):
    rows = [person(first="Ali", family="Naciri", sex="M", born="1960", household="F-7",
                   relationship="chef de ménage", address="5 Derb Sidi"),
            person(first="Aicha", family="Naciri", born="1965", household="F-7",
                   relationship="épouse"),
            person(first="Hamza", family="Naciri", sex="M", born="1990", household="F-7",
                   relationship="ابن"),
            person(first="Driss", family="Naciri", sex="M", born="1958", household="F-7",
                   relationship="chef")]
    run = run_import(world.khadija, csv_bytes(rows))
    assert run.created == 3 and run.households_created == 1 and run.invalid == 1
    assert _issues(run, severity="error")[0].code == "second_head"
    household = Household.objects.get(memberships__person__first_name_lat="Ali")
    assert household.registered_at == world.centre_marrakech
    assert household.address == "5 Derb Sidi"
    assert sorted(household.memberships.values_list("relationship", flat=True)) == [
        "child", "head", "spouse"]
    # Next month's file of the same source: a new member joins the same household; a new
    # head is refused, the household has one
    later = run_import(world.khadija, csv_bytes([
        person(first="Nour", family="Naciri", born="2020", household="F-7",
               relationship="petite-fille"),
        person(first="Omar", family="Naciri", sex="M", born="1950", household="F-7",
               relationship="chef")]), file_name="mars.csv")
    assert later.created == 1 and later.households_created == 0
    assert household.memberships.count() == 4
    assert _issues(later, severity="error")[0].code == "household_has_head"


def test_one_audit_entry_per_run_with_its_counts(world):
    rows = [person(first="Ilham", family="Fassi"), person(cin="nope")]
    run = run_import(world.khadija, csv_bytes(rows))
    entries = AuditEntry.objects.filter(action="imports.run.import")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.kind == "bulk" and entry.count == 1 and entry.actor == world.khadija
    assert entry.object_id == str(run.pk)
    assert entry.after["created"] == 1 and entry.after["invalid"] == 1
    # No audit entry per person: the run's entry stands for them
    assert not AuditEntry.objects.filter(action="registry.person.create").exists()


def test_a_run_interrupted_between_chunks_resumes_without_losing_or_doubling(world, settings):
    settings.JISR_IMPORT_CHUNK_ROWS = 3
    rows = [person(first=f"Prenom{chr(65 + i // 26)}{chr(65 + i % 26)}", family="Sqalli",
                   born=f"{1 + i % 28:02d}/0{1 + i % 9}/19{50 + i}", first_ar="", family_ar="")
            for i in range(20)]
    run = services.import_run_start(actor=world.khadija, source_name="S", file_name="a.csv",
                                    content=csv_bytes(rows), dry_run=False)
    services.import_run_confirm(actor=world.khadija, run=run, mapping=run.mapping)

    class Killed(BaseException):  # like SIGKILL, nothing catches it to record a failure
        pass

    def kill_after_three_chunks(progress_run):
        if progress_run.cursor >= 9:
            raise Killed()

    with pytest.raises(Killed):
        services.import_run_execute(run_id=run.pk, progress=kill_after_three_chunks)
    run.refresh_from_db()
    assert run.cursor == 9 and run.status == "running"
    assert Person.objects.filter(family_name_lat="Sqalli").count() == 9
    services.import_run_execute(run_id=run.pk, take_over=True)
    run.refresh_from_db()
    assert run.status == "done" and run.cursor == 20 and run.created == 20
    assert Person.objects.filter(family_name_lat="Sqalli").count() == 20
    assert ImportedRow.objects.filter(run=run).count() == 20


def test_a_second_process_on_the_same_run_writes_nothing(world):
    run = services.import_run_start(actor=world.khadija, source_name="S", file_name="a.csv",
                                    content=csv_bytes([person()]), dry_run=False)
    services.import_run_confirm(actor=world.khadija, run=run, mapping=run.mapping)
    # A worker is at it (fresh heartbeat): another does not take it
    services._claim(run.pk, take_over=False)
    assert services.import_run_execute(run_id=run.pk) is None
    assert not Person.objects.filter(family_name_lat="Alaoui").exists()


def test_the_record_kept_of_a_created_person_is_the_one_read_back(world, settings,
                                                                  monkeypatch):
    # Given a file of persons with every field the matching engine reads, in both scripts
    from jisr.imports import engine
    from jisr.matching import normalise_record
    from jisr.registry.duplicates import person_to_match_record

    settings.JISR_IMPORT_CHUNK_ROWS = 2
    headers = ["Prénom", "Nom", "الاسم الشخصي", "النسب", "Nom du père", "Nom de la mère",
               "Sexe", "Date de naissance", "CIN", "Identifiant RSU", "Téléphone",
               "Code commune", "Adresse"]
    rows = [["Amina", "El Alaoui", "أمينة", "العلوي", "Ahmed", "Fatima", "F", "12/03/1985",
             "be 777 456", "123456789", "06 12 34 56 78", "07.351.01.0", "12, Derb Sidi"],
            ["", "", "يوسف", "بنعلي", "محمد", "", "ذكر", "1990", "", "", "+212 661000000",
             "", ""],
            ["Omar", "Tazi", "", "", "", "Khadija", "M", "~1975", "", "987654",
             "", "07.351.01.0", "حي السلام 4"],
            ["Zineb", "Idrissi", "زينب", "", "", "", "F", "2001-07-30", "JK98765", "",
             "0522000000", "", ""]]
    kept = {}
    remember = engine.Importer._remember

    def spy(self, records):
        kept.update(records)
        remember(self, records)

    monkeypatch.setattr(engine.Importer, "_remember", spy)
    run = run_import(world.khadija, csv_bytes(rows, headers=headers))
    assert run.created == 4, _issues(run)
    # Then the record kept of each person is what reading the person back would give
    assert len(kept) == 4
    for person_ in Person.objects.filter(pk__in=kept).select_related("commune") \
            .prefetch_related("documents", "phones"):
        assert kept[person_.pk] == normalise_record(person_to_match_record(person_))


def test_the_persons_written_as_plain_rows_fill_every_column():
    from jisr.imports import engine

    assert sorted(engine._PERSON_COLUMNS) == sorted(
        f.attname for f in Person._meta.concrete_fields)


def test_an_import_leaves_the_garbage_collector_as_it_found_it(world):
    import gc

    # Given the collector's settings before an import
    before = gc.get_threshold(), gc.get_freeze_count()
    # When a file is imported
    run = run_import(world.khadija, csv_bytes([person(first="Salma", family="Berrada")]))
    # Then the import ran and the collector is as it was
    assert run.status == "done"
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
