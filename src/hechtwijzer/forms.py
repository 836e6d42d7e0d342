"""What every app's forms share: putting a domain function's errors back on the form.

Forms parse input; the domain rules live in each app's `actions`, which raise a
ValidationError keyed by domain field. `DomainErrorsMixin.apply_errors` puts each message on
the form field of that name (or of the name `domain_fields` maps it to), and on the form as a
whole when no field matches, so no error is lost.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainErrorsMixin:
    # Domain field -> form field, where the two differ (e.g. a measure's code -> its outcome).
    domain_fields: dict[str, str] = {}

    def apply_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            name = self.domain_fields.get(field, field)
            self.add_error(name if name in self.fields else None, messages)
