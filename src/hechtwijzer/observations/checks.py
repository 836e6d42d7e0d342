"""Start-up checks: the catalog the app runs on holds every rule the engine applies.

The engine leaves out a rule a catalog does not have (so small test catalogs stay small); for
the product that would silently switch off a safeguarding rule, so a missing one is an error
that stops `check`, `migrate`, `serve` and the test run.
"""

from django.core import checks

from hechtwijzer import engine
from hechtwijzer.catalog import CatalogError, get_catalog

from .models import REPORT_INFORMANTS


@checks.register()
def engine_rules_in_catalog(app_configs=None, **kwargs):
    try:
        catalog = get_catalog()
    except CatalogError as error:
        message = f"The knowledge catalog is invalid: {error.problems[0]}"
        return [checks.Error(message, id="hw.E101")]
    errors = [
        checks.Error(
            f"The knowledge catalog has no rule {code!r}, which the engine applies.",
            hint="Restore it in catalog/data/rules.toml (docs/safeguarding.md).",
            id="hw.E102",
        )
        for code in engine.missing_rules(catalog)
    ]
    if set(REPORT_INFORMANTS) != set(engine.REPORT_INFORMANTS):
        errors.append(
            checks.Error(
                "The informants whose observations are reports differ between the observations "
                "app and the engine.",
                id="hw.E103",
            )
        )
    return errors
