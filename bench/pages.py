"""The pages `make bench` measures, shared by bench/run.py (load) and bench/inprocess.py.

Each page names the persona that asks for it, the paths (several are used in turn), what every
response must answer, and how many rows it shows, so the baseline page can render as many.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    persona: str  # "teacher" or "coordinator" of the target school
    paths: tuple[str, ...]
    rows: int  # rows the page shows (bench/inprocess.py facts): the baseline renders as many
    method: str = "GET"
    body: str = ""
    expect: int = 200
    note: str = ""
    form: dict = field(default_factory=dict)
    # An API operation (/api/v1/): sent with the persona's API token (made in the bench's
    # set-up, `hechtwijzer api-token create`) instead of the session cookie; a JSON body.
    api: bool = False

    @property
    def content_type(self) -> str:
        return "application/json" if self.api else "application/x-www-form-urlencoded"


def pages(manifest: dict, today: datetime.date) -> list[Page]:
    """The measured pages. Their rows come from `manifest["rows"]` once counted (see
    inprocess.facts); until then every page counts as one row."""
    school = manifest["schools"][0]
    counted = manifest.get("rows", {})
    target = school["target"]
    group = f"/groups/{target['group_id']}/"
    quick_log = {
        "signals": ["concentration", "restless_chaotic"],
        "observed_on": today.isoformat(),
        "setting": "structured",
        "company": "peers",
        "moment": "",
        "note": "",
        "next": group,
    }
    api_observation = {
        "signals": ["concentration", "restless_chaotic"],
        "observed_on": today.isoformat(),
        "setting": "structured",
        "company": "peers",
    }
    return [
        Page(
            "group",
            "Group overview (teacher)",
            "teacher",
            (group,),
            rows=counted.get("group", 1),
            note="the teacher's own group: pupils, signal tiles, heat map",
        ),
        Page(
            "school",
            "School overview (care coordinator)",
            "coordinator",
            (f"/schools/{school['id']}/overview/",),
            rows=counted.get("school", 1),
            note="heat map of every group, pupils with most signals, overdue evaluations",
        ),
        Page(
            "pupil",
            "Pupil page, many observations",
            "teacher",
            (f"/pupils/{target['heavy_pupil']}/",),
            rows=counted.get("pupil", 1),
            note=(
                f"{target['heavy_pupil_observations']} observations; profile, charts and the "
                "first timeline page of 25"
            ),
        ),
        Page(
            "profile",
            "Pupil page with factors (care coordinator)",
            "coordinator",
            (f"/pupils/{target['heavy_pupil']}/",),
            rows=counted.get("profile", 1),
            note="the same pupil as the coordinator sees it: profile weighed with risk and "
            "protective factors, safeguarding check",
        ),
        Page(
            "card",
            "Focus card page",
            "teacher",
            (f"/pupils/{target['card_pupil']}/focuskaart/",),
            rows=counted.get("card", 1),
            note="29 card measures, 17 tips, own measures, recommendations",
        ),
        Page(
            "pdf",
            "Focus card PDF",
            "teacher",
            (f"/pupils/{target['card_pupil']}/focuskaart.pdf",),
            rows=counted.get("pdf", 1),
        ),
        Page(
            "quicklog",
            "Quick log (POST)",
            "teacher",
            tuple(f"/pupils/{p}/observe/" for p in target["quiet_pupils"]),
            rows=counted.get("quicklog", 1),
            method="POST",
            body=urlencode(quick_log, doseq=True),
            expect=302,
            form=quick_log,
            note="two signals for one of five pupils in turn; answers with a redirect to the group",
        ),
        Page(
            "search",
            "Knowledge search",
            "teacher",
            tuple(
                "/knowledge/search/?" + urlencode({"q": q})
                for q in ("faalangstig", "boosheid", "hechting", "concentratie", "vastklampen")
            ),
            rows=counted.get("search", 1),
            note="five queries in turn",
        ),
        Page(
            "api_pupil",
            "API pupil GET",
            "teacher",
            (f"/api/v1/pupils/{target['heavy_pupil']}",),
            rows=counted.get("api_pupil", 1),
            api=True,
            note="one pupil as JSON, token authentication, rate limit and audit entry",
        ),
        Page(
            "api_observation",
            "API observation POST",
            "teacher",
            tuple(f"/api/v1/pupils/{p}/observations" for p in target["quiet_pupils"]),
            rows=counted.get("api_observation", 1),
            method="POST",
            body=json.dumps(api_observation),
            expect=201,
            form=api_observation,
            api=True,
            note="the quick log's two signals as JSON for one of five pupils in turn",
        ),
    ]
