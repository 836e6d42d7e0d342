"""The URLs served by `make bench`: the app's own, plus the bare baseline page.

Only settings.BENCH (HECHTWIJZER_BENCH=1, refused in production) selects this module.
"""

from django.urls import path

from hechtwijzer.urls import urlpatterns as app_urlpatterns
from hechtwijzer.web.bench import baseline

urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *app_urlpatterns]
