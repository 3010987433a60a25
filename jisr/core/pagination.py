"""Pages of long lists whose total is counted only when needed, and only up to a cap.

Django's paginator counts every row of the list to number its pages: at national scale a
busy centre's case list holds 150,000 cases, and counting them on every page view costs
more than reading the page; a registry search answers a few persons, and counting them
repeats the search. :class:`CappedPaginator` reads the first page (and one row more) first:
when that is the whole list there is nothing to count; otherwise it counts up to ``cap``
rows (the database stops there, reading in the list's order so that an index of that order
serves the count) and says "of 80+" beyond. Nobody pages to the 81st page: they filter.

A search whose matches are few but costly to find (the registry's trigram search by name)
would be run twice so: :class:`KeyedPaginator` reads the matches' keys once, in order, up to
the cap, counts those, and reads a page's rows by their keys.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 2_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int = CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _first(self) -> list:
        return list(self.object_list[:self.per_page + 1])

    @cached_property
    def count(self) -> int:
        """The rows, counted up to ``cap + 1``: in the list's order, for without it the
        planner may scan the table for the first rows that match (a large centre's cases
        sit at its end: 100 ms against 3 ms by the index)."""
        if len(self._first) <= self.per_page:
            return len(self._first)
        return self.object_list[:self.cap + 1].count()

    def page(self, number):
        number = self.validate_number(number)
        if number == 1:
            return self._get_page(self._first[:self.per_page], number, self)
        return super().page(number)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def num_pages_label(self) -> str:
        """The number of pages as the pager shows it: "80+" when the count stopped."""
        return f"{self.num_pages - 1}+" if self.capped else str(self.num_pages)


class KeyedPaginator(CappedPaginator):
    """A capped paginator that runs the search once: the keys of the matches (up to
    ``cap + 1``, in the list's order), then a page's rows by key (in the same queryset, so
    under the same scope). For a list that matches a few hundred rows at most; for a long
    one (a centre's cases) :class:`CappedPaginator` reads less."""

    @cached_property
    def _keys(self) -> list:
        return list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[
            :self.cap + 1])

    @cached_property
    def count(self) -> int:
        return len(self._keys)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self._keys[bottom:bottom + self.per_page]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)} if keys else {}
        return self._get_page([rows[k] for k in keys if k in rows], number, self)
