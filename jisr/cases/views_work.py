"""Work views: the user's caseload and the centre's queues (jisr.cases.work)."""

from __future__ import annotations

from django.shortcuts import render

from jisr.cases import work
from jisr.core.views import permission_required


@permission_required("cases.view")
def my_work(request):
    return render(request, "cases/work/mine.html", work.my_work(user=request.user))


@permission_required("cases.view")
def centre_queues(request):
    return render(request, "cases/work/queues.html", {
        "sections": work.centre_queues(user=request.user)})
