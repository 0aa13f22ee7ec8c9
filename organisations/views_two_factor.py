"""A manager resets a member's two-step verification (a lost phone, no recovery codes left). Audited in
accounts.TwoFactorReset, and the owner is emailed. Not one's own (that would turn a stolen password into a
way in), not a staff account (staff reset those in the admin), and not someone who also manages an
organisation the caller does not manage."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts import two_factor

from .models import Membership, Organisation
from .views import _member_or_404, manager_required


class ResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you resetting it?"),
        max_length=500,
        help_text=_("For example: lost phone, confirmed by a call to them. It is kept with the reset."),
        error_messages={"required": _("Say why you are resetting their two-step verification")},
    )


def _manages_elsewhere(target, *, manager) -> bool:
    """A reset here must not open another organisation's member data to whoever has the target's password."""
    mine = Membership.objects.filter(user=manager, role=Membership.Role.MANAGER).values("organisation_id")
    return (
        Membership.objects.filter(user=target, role=Membership.Role.MANAGER)
        .exclude(organisation_id__in=mine)
        .exists()
    )


@manager_required
@require_http_methods(["GET", "POST"])
def member_two_factor_reset(
    request: HttpRequest, organisation: Organisation, membership_id: int
) -> HttpResponse:
    member = _member_or_404(organisation, membership_id)
    if member.user_id is None:
        raise Http404("No such member.")
    target = member.user
    refusal = None
    if target.pk == request.user.pk:
        refusal = gettext("You cannot reset your own: use a recovery code, or ask another manager.")
    elif target.is_staff:
        refusal = gettext("This is a staff account: our staff reset its two-step verification.")
    elif _manages_elsewhere(target, manager=request.user):
        refusal = gettext(
            "They also manage an organisation you do not manage, so a manager there (or our staff) resets "
            "their two-step verification."
        )
    form = ResetForm(request.POST if request.method == "POST" and refusal is None else None)
    if refusal is None and form.is_valid():
        two_factor.two_factor_reset(
            user=target,
            reset_by=request.user,
            via=f"the organisation {organisation.name}",
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            gettext(
                "Two-step verification is reset for %(name)s. We have emailed them; they set "
                "it up again when they next log in."
            )
            % {"name": target.certificate_name},
        )
        return redirect("organisations:member", organisation.pk, member.pk)
    context = {
        "organisation": organisation,
        "member": member,
        "form": form,
        "refusal": refusal,
        "has_second_factor": two_factor.has_second_factor(target),
    }
    return render(
        request, "organisations/member_two_factor_reset.html", context, status=400 if refusal else 200
    )
