"""Registering and changing persons: validated, scoped, audited without personal values."""

import pytest

from jisr.core.exceptions import AccessDenied, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.registry import services
from jisr.registry.models import IdentityDocument, Person, PersonFollow, Phone

VALID = {"first_name_lat": "Hassan", "family_name_lat": "Amrani", "first_name_ar": "حسن",
         "family_name_ar": "العمراني", "sex": "male", "birth_year": 1975}


def _counts():
    return (Person.objects.count(), IdentityDocument.objects.count(), Phone.objects.count(),
            PersonFollow.objects.count(), AuditEntry.objects.count())


def test_reception_registers_a_person_followed_by_its_centre(world):
    person = services.person_create(
        actor=world.amina, documents=[{"kind": "cin", "number": "be 98 76 54"}],
        phones=[{"number": "06 61 23 45 67"}], languages=["ary", "fr"],
        vulnerabilities=["homeless"], commune=world.centre_marrakech.commune, **VALID)
    assert person.registered_at == world.centre_marrakech
    assert person.documents.get().number == "BE987654"
    assert person.phones.get().number == "+212661234567"
    assert PersonFollow.objects.get(person=person, until=None).centre == \
        world.centre_marrakech
    assert person.name_key == " حسن العمراني hassan amrani "
    entry = AuditEntry.objects.get(action="registry.person.create")
    assert "family_name_lat" in entry.fields and "birth_year" in entry.fields
    # Names and dates are personal: only their names are in the trail, never values.
    assert entry.after == {"registered_at": world.centre_marrakech.pk}
    assert entry.object_label == ""
    doc_entry = AuditEntry.objects.get(action="registry.document.add")
    assert "BE987654" not in str(doc_entry.after) and doc_entry.after["kind"] == "cin"
    phone_entry = AuditEntry.objects.get(action="registry.phone.add")
    assert "+212661234567" not in str(phone_entry.after)


@pytest.mark.parametrize("bad, field", [
    ({"documents": [{"kind": "cin", "number": "1234X"}]}, "documents"),
    ({"phones": [{"number": "12"}]}, "phones"),
    ({"birth_year": None}, "birth_year"),
    ({"birth_year": 1850}, "birth_year"),
    ({"first_name_lat": "", "first_name_ar": ""}, "family_name_lat"),
    ({"languages": ["klingon"]}, "languages"),
    ({"vulnerabilities": ["rich"]}, "vulnerabilities"),
    ({"documents": [{"kind": "none"}]}, "documents"),
])
def test_bad_input_is_refused_with_the_field_named_and_nothing_changes(world, bad, field):
    before = _counts()
    with pytest.raises(ValidationFailed) as error:
        services.person_create(actor=world.amina, **{**VALID, **bad})
    assert field in error.value.fields
    assert _counts() == before


def test_a_cin_already_registered_is_refused_as_a_duplicate(world):
    before = _counts()
    with pytest.raises(ValidationFailed) as error:
        services.person_create(actor=world.karim, documents=[
            {"kind": "cin", "number": "be123456"}], **VALID)
    assert "already registered" in str(error.value.fields["documents"][0])
    assert _counts() == before


def test_hostile_text_is_stored_as_text(world):
    person = services.person_create(actor=world.amina, **{
        **VALID, "address": "<script>alert('x')</script>'; DROP TABLE registry_person; --"})
    assert Person.objects.get(pk=person.pk).address.startswith("<script>")


def test_a_person_without_papers_is_recorded_as_such(world):
    person = services.person_create(actor=world.amina, documents=[
        {"kind": "none", "none_reason": "child"}], **VALID)
    assert person.documents.get().get_kind_display() == "No document"
    # A real document later replaces the "none" record.
    services.identity_document_add(actor=world.youssef, person=person, kind="rnp",
                                   number="1234 5678 90")
    assert list(person.documents.values_list("kind", "number")) == [("rnp", "1234567890")]


def test_only_centre_staff_register_and_only_in_scope_they_edit(world):
    for name in ("omar", "nadia", "admin", "rachid"):
        with pytest.raises(AccessDenied):
            services.person_create(actor=world.users[name], **VALID)
    with pytest.raises(NotFound):
        services.person_update(actor=world.karim, person=world.persons["marrakech"],
                               address="x")
    with pytest.raises(AccessDenied):  # coordinators see, they do not edit
        services.person_update(actor=world.laila, person=world.persons["marrakech"],
                               address="x")


def test_an_update_is_audited_by_field_names(world):
    person = world.persons["marrakech"]
    services.person_update(actor=world.youssef, person=person, address="Derb Jdid 12",
                           birth_year=1985)
    entry = AuditEntry.objects.get(action="registry.person.update")
    assert entry.fields == ["address", "birth_year"]
    assert entry.before == {} and entry.after == {}
    # A full date sets the year
    from datetime import date

    services.person_update(actor=world.youssef, person=person, birth_date=date(1986, 3, 2))
    person.refresh_from_db()
    assert person.birth_year == 1986


def test_an_update_with_nothing_new_writes_no_audit(world):
    services.person_update(actor=world.youssef, person=world.persons["marrakech"])
    assert not AuditEntry.objects.filter(action="registry.person.update").exists()


def test_the_unique_cin_is_enforced_by_the_database_too(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        IdentityDocument.objects.create(person=world.persons["oujda"], kind="cin",
                                        number="BE123456")


def test_every_foreign_key_to_person_is_known_for_merging():
    from jisr.registry.models import person_references

    names = {f"{f.model._meta.label_lower}.{f.name}" for f in person_references()}
    assert {"registry.identitydocument.person", "registry.phone.person",
            "registry.personfollow.person", "registry.householdmembership.person",
            "registry.consent.person", "registry.sensitivedetails.person",
            "registry.breakglassgrant.person"} <= names


def test_a_centre_that_starts_following_a_person_sees_them(world):
    from jisr.accounts import policy

    person = world.persons["marrakech"]
    assert not policy.persons_for(world.karim).filter(pk=person.pk).exists()
    follow = services.person_follow_start(actor=world.karim, person=person,
                                          centre=world.centre_oujda)
    assert services.person_follow_start(actor=world.karim, person=person,
                                        centre=world.centre_oujda) == follow
    assert policy.persons_for(world.karim).filter(pk=person.pk).exists()
    assert AuditEntry.objects.filter(action="registry.follow.start").count() == 1


def test_documents_and_phones_are_removed_with_an_audit_entry(world):
    person = world.persons["marrakech"]
    document, phone = person.documents.get(), person.phones.get()
    with pytest.raises(NotFound):
        services.phone_remove(actor=world.karim, phone=phone)
    services.identity_document_remove(actor=world.youssef, document=document,
                                      reason="typing error")
    services.phone_remove(actor=world.youssef, phone=phone)
    assert not person.documents.exists() and not person.phones.exists()
    entry = AuditEntry.objects.get(action="registry.document.remove")
    assert entry.reason == "typing error" and entry.before == {"kind": "cin",
                                                              "person": person.pk}
    assert AuditEntry.objects.filter(action="registry.phone.remove").exists()
