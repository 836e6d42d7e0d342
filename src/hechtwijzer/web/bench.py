"""The benchmark's baseline page (see bench/run.py and BENCHMARKS.md).

It is the yardstick for "our own overhead": the same app, middleware, session, log-in check and
base template as every page, rendering `rows` rows from a single query, but with no access
policy, no audit entry, no profile and no catalog work. Each measured page is compared with
this page rendering the same number of rows, in the same benchmark run. Served only when
settings.BENCH is on (hechtwijzer.bench_urls); it has no @policy because it is the page
*without* one.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from hechtwijzer.schools.models import Pupil

MAX_ROWS = 2000


@login_required
def baseline(request):
    try:
        rows = int(request.GET.get("rows", "30"))
    except ValueError:
        raise Http404("rows must be a number") from None
    if not 1 <= rows <= MAX_ROWS:
        raise Http404(f"rows must lie between 1 and {MAX_ROWS}")
    # In key order: the first rows of the primary key index, the same work whatever the size
    # of the table, so the yardstick does not move with the scale.
    pupils = list(
        Pupil.objects.order_by("pk").values(
            "public_id", "first_name", "last_name", "date_of_birth", "status"
        )[:rows]
    )
    return render(request, "web/bench_baseline.html", {"pupils": pupils})
