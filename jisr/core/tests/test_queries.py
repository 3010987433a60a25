"""core.queries.named: joined rows read by what names them, the model's own columns whole."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jisr.accounts.models import User
from jisr.cases.models import Case
from jisr.core.queries import named, own_fields


def test_named_reads_the_own_columns_and_only_the_names_of_the_joined_rows(world):
    expected = world.cases["marrakech"]
    qs = named(Case.objects.all(), {"opened_by": User.DISPLAY_NAME_FIELDS,
                                    "lead_centre": ("name_ar", "name_fr"), "household": ()})
    with CaptureQueriesContext(connection) as queries:
        case = qs.get(pk=expected.pk)
        # what a page shows of them: no further query
        shown = (case.reference, case.stage, case.request, case.opened_by.display_name,
                 case.lead_centre.name, case.household_id)
    assert len(queries) == 1
    assert shown[0] == expected.reference and shown[3] == expected.opened_by.display_name
    assert case.get_deferred_fields() == set()
    assert case.opened_by.get_deferred_fields() == {
        f.attname for f in User._meta.concrete_fields} - {"id", *User.DISPLAY_NAME_FIELDS}
    assert "password" in case.opened_by.get_deferred_fields()
    assert "code" in case.lead_centre.get_deferred_fields()
    assert set(own_fields(Case)) >= {"channel", "person", "lead_centre", "stage"}
