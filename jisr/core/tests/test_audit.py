import pytest
from django.db import DatabaseError, connection, transaction

from jisr.accounts import services
from jisr.accounts.roles import Role
from jisr.core import audit
from jisr.core.models import AuditEntry


def _entry():
    return audit.record(actor=None, action="test.write", object_type="test", object_id="1")


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_update_an_audit_entry():
    entry = _entry()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_delete_an_audit_entry():
    entry = _entry()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_orm_cannot_update_an_entry_either():
    entry = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_a_change_keeps_values_only_of_non_personal_fields(world):
    # Given an administrator re-scoping a worker and renaming her
    worker = world.youssef
    services.user_update(actor=world.admin, user=worker, centre=world.centre_safi,
                         last_name="Renamed", reason="moved to Safi")
    entry = AuditEntry.objects.get(action="accounts.user.update")
    # Then the audit names both fields but keeps only the non-personal value
    assert set(entry.fields) == {"centre", "last_name"}
    assert entry.before == {"centre": world.centre_marrakech.pk}
    assert entry.after == {"centre": world.centre_safi.pk}
    assert "Renamed" not in str(entry.before) + str(entry.after)
    assert entry.actor == world.admin and entry.reason == "moved to Safi"


def test_every_account_service_writes_an_audit_entry(world):
    admin = world.admin
    before = AuditEntry.objects.count()
    user = services.user_create(actor=admin, username="newcomer", email="n@test.ma",
                                role=Role.SOCIAL_WORKER, centre=world.centre_marrakech)
    services.user_update(actor=admin, user=user, phone="+212600000000")
    services.user_set_active(actor=admin, user=user, active=False, reason="left")
    services.user_set_active(actor=admin, user=user, active=True, reason="back")
    services.user_reset_two_factor(actor=admin, user=user, reason="lost phone")
    services.user_unlock(actor=admin, user=user)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == ["accounts.user.create", "accounts.user.update",
                       "accounts.user.deactivate", "accounts.user.activate",
                       "accounts.user.reset_two_factor", "accounts.user.unlock"]


def test_reads_recorded_together_are_the_entries_recorded_one_by_one(world):
    # Given two records read at once and the same read recorded alone
    centres = [world.centre_marrakech, world.centre_oujda]
    together = audit.record_reads(actor=world.amina, objs=centres, action="test.read",
                                  reason="why")
    alone = audit.record_read(actor=world.amina, obj=centres[0], action="test.read",
                              reason="why")
    # then the entries are those record_read writes, one per record
    fields = ("actor", "kind", "action", "object_type", "object_id", "object_label",
              "fields", "before", "after", "reason", "count", "request_id", "channel")
    stored = AuditEntry.objects.filter(action="test.read").order_by("pk")
    assert stored.count() == 3
    assert [e.object_id for e in together] == [str(c.pk) for c in centres]
    first = stored.filter(object_id=str(centres[0].pk)).order_by("pk")
    assert [[getattr(e, f) for f in fields] for e in first] == \
        [[getattr(alone, f) for f in fields]] * 2


def test_a_bulk_operation_writes_one_entry_with_its_count(db):
    from jisr.territory.services import territories_load

    territories_load()
    entries = AuditEntry.objects.filter(action="territory.load")
    assert {e.object_type: e.count for e in entries} == {
        "regions": 12, "provinces": 83, "cercles": 213, "communes": 1503,
        "arrondissements": 41, "indicator definitions": 114, "census indicators": 4052,
        "data sources": 1}
    territories_load()  # idempotent: nothing changes, nothing recorded
    assert AuditEntry.objects.filter(action="territory.load").count() == 8


def test_administrators_browse_and_filter_the_trail_and_others_cannot(world, client_for):
    services.user_update(actor=world.admin, user=world.youssef, phone="+212611111111")
    services.user_update(actor=world.admin, user=world.amina, phone="+212622222222")
    page = client_for("admin").get("/audit/", {"object_id": world.youssef.pk,
                                               "object_type": "accounts.user"})
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [e.object_id for e in rows] == [str(world.youssef.pk)]
    for name in ("khadija", "omar", "nadia", "karim"):
        assert client_for(name).get("/audit/").status_code == 403
