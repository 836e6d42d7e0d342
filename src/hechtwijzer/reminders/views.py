"""The user's own reminder settings (`/accounts/reminders/`): which e-mail reminders to get."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hechtwijzer.door import Policy, policy

from . import actions
from .forms import ReminderChoiceForm
from .kinds import kinds_for


@policy(Policy.LOGGED_IN)
@never_cache
def reminder_settings(request):
    """Switch each kind of reminder the user's roles offer on or off; only one's own.
    No pupil data: the page reads the user's memberships and choices only."""
    user = request.user
    kinds = kinds_for(user)
    off = actions.switched_off(user)
    if request.method == "POST":
        form = ReminderChoiceForm(request.POST, kinds=kinds)
        if form.is_valid():
            try:
                actions.choose_reminders(actor=user, receive=form.cleaned_data["receive"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your reminder settings are saved."))
                return redirect("reminders:settings")
    else:
        form = ReminderChoiceForm(
            initial={"receive": [k.code for k in kinds if k.code not in off]}, kinds=kinds
        )
    context = {"form": form, "kinds": kinds, "email": user.email}
    return render(request, "reminders/settings.html", context)
