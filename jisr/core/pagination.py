"""Pages of long lists whose total is counted only when needed, and only up to a cap.

Django's paginator counts every row of the list to number its pages: at national scale a
busy centre's case list holds 150,000 cases, and counting them on every page view costs
more than reading the page; a registry search answers a few persons, and counting them
repeats the search. :class:`CappedPaginator` reads the first page (and one row more) first:
when that is the whole list there is nothing to count; otherwise it counts up to ``cap``
rows (the database stops there, reading in the list's order so that an index of that order
serves the count) and says "of 80+" beyond. Nobody pages to the 81st page: they filter.
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
