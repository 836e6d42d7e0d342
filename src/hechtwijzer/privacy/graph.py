"""Everything stored about one pupil, found through the ORM rather than listed by hand.

Starting at `Pupil`, every model with a foreign key (or one-to-one key) to a model already
found is about the pupil too, however deep: observations and their signal rows, focus cards and
their entries, evaluations and outcomes, behaviour cards and scores, the day programme and its
blocks, access grants, holds, and the hidden tables behind many-to-many fields (a focus card's
co-teachers). A model added later is found the same way, so erasure deletes it and the access
export shows it without anyone having to remember to add it here.

Why not Django's deletion `Collector` (or the admin's `NestedObjects`), which walks the same
reverse relations: for every pupil today it finds exactly the same rows (tests/test_graph.py
holds the two to that), but the export lists every model about pupils, also those with no rows
for this pupil, which a collector cannot (it only finds rows); and erasure must delete every row
about the pupil whatever a relation's `on_delete` says, where a collector would keep rows behind
SET_NULL or DO_NOTHING and refuse behind PROTECT or RESTRICT. The test fails on any relation
down from the pupil that does not cascade, so that difference cannot arise unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from hechtwijzer.schools.models import Pupil

MAX_DEPTH = 6


@dataclass(frozen=True)
class PupilModel:
    """A model holding data about pupils and the lookups from it to the pupil."""

    model: type[models.Model]
    paths: tuple[str, ...]  # e.g. ("pupil", "observation__pupil")
    depth: int  # the longest path: children are deleted before their parents

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, pupil: Pupil) -> models.QuerySet:
        condition = Q()
        for path in self.paths:
            condition |= Q(**{path: pupil})
        ids = set(self.model._base_manager.filter(condition).values_list("pk", flat=True))
        return self.model._base_manager.filter(pk__in=ids).order_by("pk")


def _reverse_relations(model: type[models.Model]):
    for field in model._meta.get_fields(include_hidden=True):
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one):
            yield field


def pupil_models() -> list[PupilModel]:
    """Every model that holds data about a pupil, parents before children."""
    found: dict[type[models.Model], tuple[set[str], int]] = {}
    queue: list[tuple[type[models.Model], str, int, tuple]] = [(Pupil, "", 0, (Pupil,))]
    while queue:
        model, path, depth, seen = queue.pop(0)
        for relation in _reverse_relations(model):
            child = relation.related_model
            if child in seen or depth >= MAX_DEPTH:
                continue
            child_path = relation.field.name + (f"__{path}" if path else "")
            paths, deepest = found.get(child, (set(), 0))
            paths.add(child_path)
            found[child] = (paths, max(deepest, depth + 1))
            queue.append((child, child_path, depth + 1, (*seen, child)))
    result = [
        PupilModel(model=model, paths=tuple(sorted(paths)), depth=depth)
        for model, (paths, depth) in found.items()
    ]
    return sorted(result, key=lambda m: (m.depth, m.label))


def record_counts(pupil: Pupil) -> dict[str, int]:
    """Rows per model label about the pupil (models without rows left out), the pupil too."""
    counts = {"schools.Pupil": 1}
    for entry in pupil_models():
        count = entry.rows(pupil).count()
        if count:
            counts[entry.label] = count
    return counts
