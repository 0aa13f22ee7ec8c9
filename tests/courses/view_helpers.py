"""URLs and enrolling for the courses page tests."""

from __future__ import annotations

from django.urls import reverse

from courses import services
from courses.models import Enrolment


def unit_url(course, unit_slug: str) -> str:
    return reverse("courses:unit", kwargs={"course_slug": course.slug, "unit_slug": unit_slug})


def read_url(course, unit_slug: str) -> str:
    return reverse("courses:unit_read", kwargs={"course_slug": course.slug, "unit_slug": unit_slug})


def detail_url(course) -> str:
    return reverse("courses:detail", kwargs={"course_slug": course.slug})


def start_url(course) -> str:
    return reverse("courses:start", kwargs={"course_slug": course.slug})


def enrol_url(course) -> str:
    return reverse("courses:enrol", kwargs={"course_slug": course.slug})


def enrol_in_sample(user, course, pathway_slug: str = "taxi-drivers") -> Enrolment:
    return services.enrolment_create(learner=user, pathway=course.pathways.get(slug=pathway_slug))
