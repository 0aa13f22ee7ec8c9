"""Story pages: one step per page (a radio group and a button, no JavaScript needed), start again at any
time, and the path you took at an end. The learner's runs are kept per enrolment (courses.stories)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, stories
from .models import Course, Enrolment, StoryBlock, Unit

MOVED_ON = gettext_lazy(
    "Your story had already moved on from that step, so that choice was not recorded. This is where you are."
)
CHANGED = gettext_lazy("This story was updated since you started it, so it starts again from the beginning.")


def _load(request: HttpRequest, course_slug: str, unit_slug: str, key: str):
    try:
        course = selectors.course_get_published(slug=course_slug, with_pathways=False)
        unit = selectors.unit_get(course=course, slug=unit_slug)
    except (Course.DoesNotExist, Unit.DoesNotExist) as exc:
        raise Http404("No such story.") from exc
    enrolment = selectors.enrolment_current(learner=request.user, course=course)
    if enrolment is None:
        return course, unit, None, None
    try:
        story = stories.story_get(unit=unit, pathway=enrolment.pathway, key=key)
    except StoryBlock.DoesNotExist as exc:
        raise Http404("No such story.") from exc
    return course, unit, enrolment, story


def _url(course: Course, unit: Unit, story: stories.Story) -> str:
    return reverse(
        "courses:story", kwargs={"course_slug": course.slug, "unit_slug": unit.slug, "key": story.block.key}
    )


@login_required
@require_http_methods(["GET", "POST"])
def story(request: HttpRequest, course_slug: str, unit_slug: str, key: str) -> HttpResponse:
    course, unit, enrolment, story = _load(request, course_slug, unit_slug, key)
    if enrolment is None:
        return redirect("courses:detail", course_slug=course.slug)
    if request.method == "POST":
        return _choose(request, course, unit, enrolment, story)
    run = stories.story_run_latest(enrolment=enrolment, unit=unit, key=story.block.key)
    if run is not None and stories.story_run_abandon_if_changed(story=story, run=run):
        messages.info(request, CHANGED)
        run = None
    if run is not None and run.ended_at is not None:
        return _render_end(request, course, unit, enrolment, story, run)
    step = story.steps[run.current_step] if run else story.first
    return _render_step(request, course=course, unit=unit, story=story, run=run, step=step)


def _render_step(
    request: HttpRequest,
    *,
    course: Course,
    unit: Unit,
    story: stories.Story,
    run,
    step: stories.Step,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    path = stories.run_path(story, run) if run else []
    return render(
        request,
        "courses/story.html",
        {
            "course": course,
            "unit": unit,
            "story": story,
            "step": step,
            "number": len(path) + 1,
            "last": path[-1] if path else None,
            "error": error,
            "is_first": step.key == story.first.key and not path,
        },
        status=status,
    )


def _render_end(request: HttpRequest, course, unit, enrolment: Enrolment, story, run) -> HttpResponse:
    step = story.steps[run.current_step]
    return render(
        request,
        "courses/story_end.html",
        {
            "course": course,
            "unit": unit,
            "story": story,
            "step": step,
            "path": stories.run_path(story, run),
            "run": run,
            "assessment_open": unit.completed_by_quiz and not enrolment.is_complete,
        },
    )


def _choose(request: HttpRequest, course, unit, enrolment: Enrolment, story) -> HttpResponse:
    step_key, choice_key = request.POST.get("step", ""), request.POST.get("choice", "")
    step = story.steps.get(step_key)
    if step is None or step.is_end:
        message = gettext("That step is not part of this story.")
        return render(request, "errors/400.html", {"message": message}, status=400)
    if not choice_key:
        run = stories.story_run_latest(enrolment=enrolment, unit=unit, key=story.block.key)
        run = run if run is not None and run.ended_at is None and run.current_step == step.key else None
        return _render_step(
            request,
            course=course,
            unit=unit,
            story=story,
            run=run,
            step=step,
            error=gettext("Choose what you do next"),
            status=400,
        )
    try:
        stories.story_choose(
            enrolment=enrolment, unit=unit, story=story, step_key=step_key, choice_key=choice_key
        )
    except stories.StoryChoiceInvalid as invalid:
        return render(request, "errors/400.html", {"message": str(invalid)}, status=400)
    except stories.StoryChoiceStale:
        messages.info(request, MOVED_ON)
    return redirect(_url(course, unit, story))


@login_required
@require_POST
def story_start_again(request: HttpRequest, course_slug: str, unit_slug: str, key: str) -> HttpResponse:
    course, unit, enrolment, story = _load(request, course_slug, unit_slug, key)
    if enrolment is None:
        return redirect("courses:detail", course_slug=course.slug)
    stories.story_restart(enrolment=enrolment, unit=unit, story=story)
    return redirect(_url(course, unit, story))
