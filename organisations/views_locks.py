"""A manager lifts a member's quiz lock early (the cooling-off of the assessment rules); audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from courses.models import Enrolment
from quizzes import rules as quiz_rules
from quizzes import services as quiz_services

from .models import Organisation
from .views import _member_or_404, manager_required


@manager_required
@require_POST
def member_lock_reset(
    request: HttpRequest, organisation: Organisation, membership_id: int, quiz_id: int
) -> HttpResponse:
    """Only for a member of this organisation, and only a quiz locked now on their open enrolment."""
    member = _member_or_404(organisation, membership_id)
    if member.user_id is None:
        raise Http404("No such member.")
    enrolments = list(Enrolment.objects.filter(learner_id=member.user_id, completed_at__isnull=True))
    lock = next(
        (lock for lock in quiz_rules.locks_for_enrolments(enrolments=enrolments) if lock.quiz.pk == quiz_id),
        None,
    )
    if lock is None:
        messages.info(request, "That quiz is not locked any more: nothing was changed.")
    else:
        quiz_services.lock_reset(enrolment=lock.enrolment, quiz=lock.quiz, by=request.user)
        messages.success(
            request,
            f"The quiz “{lock.quiz.unit.title}” is open again for {member.user.certificate_name}: "
            f"they have {lock.allowance.limit} new attempts.",
        )
    return redirect("organisations:member", organisation_id=organisation.pk, membership_id=member.pk)
