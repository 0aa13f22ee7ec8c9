"""Learner pages: dashboard, choose a pathway, course overview, start page, unit pages, mark as read."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import hooks, pathway_change, selectors, services
from .models import Course, Enrolment, Unit
from .structure import course_structure


def _course_or_404(slug: str, *, with_pathways: bool = True) -> Course:
    try:
        return selectors.course_get_published(slug=slug, with_pathways=with_pathways)
    except Course.DoesNotExist as exc:
        raise Http404("No such course.") from exc


def _enrolment(request: HttpRequest, course: Course) -> Enrolment | None:
    return selectors.enrolment_current(learner=request.user, course=course)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    enrolments = list(selectors.enrolment_list_for_dashboard(learner=request.user))
    enrolled_course_ids = {e.course_id for e in enrolments}
    other_courses = [c for c in selectors.course_list_published() if c.pk not in enrolled_course_ids]
    notes = hooks.completion_notes(enrolments=enrolments)
    for enrolment in enrolments:
        enrolment.completion_note = notes.get(enrolment.pk)
    return render(
        request, "courses/dashboard.html", {"enrolments": enrolments, "other_courses": other_courses}
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course_or_404(course_slug)
    enrolment = _enrolment(request, course)
    if enrolment is None:
        return render(
            request, "courses/choose_pathway.html", {"course": course, "pathways": course.pathways.all()}
        )
    outline = selectors.course_outline(enrolment=enrolment)
    next_unit = selectors.outline_next_unit(outline, enrolment)
    enrolment.completion_note = hooks.completion_notes(enrolments=[enrolment]).get(enrolment.pk)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "enrolment": enrolment,
            "outline": outline,
            "next_unit": next_unit,
            "total_minutes": sum(item.unit.minutes for item in outline),
            "quiz_count": sum(item.unit.completed_by_quiz for item in outline),
            "started": any(item.is_complete for item in outline) or enrolment.last_unit_id is not None,
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course_or_404(course_slug)
    slug = request.POST.get("pathway", "")
    pathway = next((p for p in course.pathways.all() if p.slug == slug), None)
    if pathway is None:
        return render(
            request,
            "courses/choose_pathway.html",
            {
                "course": course,
                "pathways": course.pathways.all(),
                "error": gettext("Choose the role that fits you best."),
            },
            status=400,
        )
    enrolment = services.enrolment_create(learner=request.user, pathway=pathway)
    if enrolment.pathway_id != pathway.pk:
        messages.info(
            request,
            gettext("You are already on the %(pathway)s pathway of this course.")
            % {"pathway": enrolment.pathway.title},
        )
        return redirect("courses:detail", course_slug=course.slug)
    return redirect("courses:start", course_slug=course.slug)


@login_required
@require_GET
def start(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = _course_or_404(course_slug)
    enrolment = _enrolment(request, course)
    if enrolment is None:
        return redirect("courses:detail", course_slug=course.slug)
    first_unit = course.units.order_by("order").first()
    return render(
        request,
        "courses/start.html",
        {"course": course, "enrolment": enrolment, "pathway": enrolment.pathway, "first_unit": first_unit},
    )


def _unit_or_404(course: Course, unit_slug: str) -> Unit:
    try:
        return selectors.unit_get(course=course, slug=unit_slug)
    except Unit.DoesNotExist as exc:
        raise Http404("No such unit.") from exc


@login_required
@require_GET
def unit_detail(request: HttpRequest, course_slug: str, unit_slug: str) -> HttpResponse:
    try:  # an enrolled learner's course comes with the enrolment (one query)
        course, enrolment = selectors.course_and_enrolment_current(
            learner=request.user, course_slug=course_slug
        )
    except Course.DoesNotExist as exc:
        raise Http404("No such course.") from exc
    unit = _unit_or_404(course, unit_slug)
    unit.course = course  # a copy from the cached structure: its quiz is found in the cache too
    if enrolment is None:
        return redirect("courses:detail", course_slug=course.slug)
    services.unit_visit(enrolment=enrolment, unit=unit)
    # A callable: the template calls it only when the rendered blocks are not in the cache.
    blocks = partial(selectors.unit_blocks_for_pathway, unit=unit, pathway=enrolment.pathway)
    previous, following = course_structure(course=course).neighbours(unit)
    return render(
        request,
        "courses/unit_detail.html",
        {
            "course": course,
            "enrolment": enrolment,
            "pathway": enrolment.pathway,
            "unit": unit,
            "blocks": blocks,
            "previous": previous,
            "following": following,
            "is_complete": selectors.unit_is_complete(enrolment=enrolment, unit=unit),
            "unit_count": enrolment.units_total,
            "assessment_url": hooks.assessment_url(course=course, unit=unit)
            if unit.completed_by_quiz
            else None,
            "assessment_status": hooks.assessment_status(enrolment=enrolment, unit=unit)
            if unit.completed_by_quiz and not enrolment.is_complete
            else None,
        },
    )


@login_required
@require_POST
def unit_mark_read(request: HttpRequest, course_slug: str, unit_slug: str) -> HttpResponse:
    course = _course_or_404(course_slug)
    unit = _unit_or_404(course, unit_slug)
    enrolment = selectors.enrolment_current(learner=request.user, course=course)
    if enrolment is None:
        raise Http404("Not enrolled.")
    try:
        progress = services.unit_mark_read(enrolment=enrolment, unit=unit)
    except services.UnitCompletedByAssessment as refused:
        return HttpResponseBadRequest(refused.message)
    except services.StoryNotFinished as refused:
        messages.info(request, refused.message)
        return redirect("courses:unit", course_slug=course.slug, unit_slug=unit.slug)
    if progress is None:  # the enrolment is complete already
        return redirect("courses:detail", course_slug=course.slug)
    _, following = course_structure(course=course).neighbours(unit)
    if following is not None:
        return redirect("courses:unit", course_slug=course.slug, unit_slug=following.slug)
    return redirect("courses:detail", course_slug=course.slug)


@login_required
@require_http_methods(["GET", "POST"])
def change_role(request: HttpRequest, course_slug: str) -> HttpResponse:
    """Another role for an open enrolment: first see what is kept and what is done again, then confirm."""
    course = _course_or_404(course_slug)
    enrolment = _enrolment(request, course)
    if enrolment is None or enrolment.completed_at is not None:
        return redirect("courses:detail", course_slug=course.slug)
    others = [p for p in course.pathways.all() if p.pk != enrolment.pathway_id]
    source = request.POST if request.method == "POST" else request.GET
    slug = source.get("pathway", "")
    context = {"course": course, "enrolment": enrolment, "pathways": others, "plan": None, "error": None}
    if slug or request.method == "POST":
        pathway = next((p for p in others if p.slug == slug), None)
        if pathway is None:
            context["error"] = gettext("Choose the role you want to change to.")
            return render(request, "courses/change_role.html", context, status=400)
        if request.method == "POST":
            try:
                plan = pathway_change.enrolment_pathway_change(enrolment=enrolment, pathway=pathway)
            except pathway_change.PathwayChangeRefused as refused:  # e.g. completed meanwhile in another tab
                context["error"] = str(refused)
                return render(request, "courses/change_role.html", context, status=400)
            redo = len(plan.redo)
            text = gettext("Your role is now %(pathway)s.") % {"pathway": pathway.title}
            if redo:
                again = ngettext("%(count)d unit to do again.", "%(count)d units to do again.", redo)
                text += " " + again % {"count": redo}
            messages.success(request, text)
            return redirect("courses:detail", course_slug=course.slug)
        context["plan"] = pathway_change.pathway_change_plan(enrolment=enrolment, pathway=pathway)
    return render(request, "courses/change_role.html", context)
