"""The benchmark's baseline page (web/bench.py): served only in benchmark mode, log-in only,
one query of its own, no audit entry."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world

from .test_settings import run_cli


@override_settings(ROOT_URLCONF="hechtwijzer.bench_urls")
class BaselinePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_it_renders_the_asked_number_of_rows_with_one_query_of_its_own(self):
        self.client.login(username="anna", password=PASSWORD)
        self.client.get("/bench/baseline/?rows=1")  # settle the session
        audit_before = AuditEntry.objects.count()
        counts = {}
        for rows in (1, 3):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(f"/bench/baseline/?rows={rows}")
            counts[rows] = len(queries)
            assert response.status_code == 200
            assert response.content.count(b"<tr><td>") == rows
        # The same number of queries for 1 row and 3 rows, and only one touches pupils.
        assert counts[1] == counts[3]
        pupil_queries = [q for q in queries.captured_queries if "schools_pupil" in q["sql"]]
        assert len(pupil_queries) == 1
        assert AuditEntry.objects.count() == audit_before

    def test_it_asks_for_a_log_in(self):
        response = self.client.get("/bench/baseline/")
        assert response.status_code == 302
        assert response["Location"] == "/?next=/bench/baseline/"  # the log-in page

    def test_it_refuses_a_row_count_out_of_bounds(self):
        self.client.login(username="anna", password=PASSWORD)
        for rows in ("0", "2001", "many"):
            assert self.client.get(f"/bench/baseline/?rows={rows}").status_code == 404


class OutsideBenchmarksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_the_app_does_not_serve_it(self):
        self.client.login(username="anna", password=PASSWORD)
        assert self.client.get("/bench/baseline/").status_code == 404


def test_production_refuses_benchmark_mode(tmp_path):
    result = run_cli(
        "check",
        HECHTWIJZER_ENV="production",
        HECHTWIJZER_BENCH="1",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="hechtwijzer.example.org",
        HECHTWIJZER_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "HECHTWIJZER_BENCH is for benchmarks, never for production" in result.stderr
