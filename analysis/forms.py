"""The report's filters: course, course version, audience (pathway), date range, first or all attempts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Course, CourseRelease, Pathway

from .stats import Scope

MAX_DAYS = 366 * 10


class ReportFilterForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none(), empty_label=None, label=_("Course"))
    version = forms.TypedChoiceField(
        label=_("Course version"), required=False, coerce=int, empty_value=None, choices=[]
    )
    pathway = forms.ModelChoiceField(
        queryset=Pathway.objects.none(), required=False, label=_("Audience"), empty_label=_("Every audience")
    )
    since = forms.DateField(label=_("From (YYYY-MM-DD)"), required=False)
    until = forms.DateField(label=_("To (YYYY-MM-DD)"), required=False)
    attempts = forms.ChoiceField(
        label=_("Attempts"),
        choices=[("first", _("First attempts only")), ("all", _("All attempts"))],
        initial="first",
        required=False,
    )

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        courses = list(Course.objects.filter(is_published=True).order_by("title", "id"))
        self.fields["course"].queryset = Course.objects.filter(pk__in=[c.pk for c in courses])
        self.fields["course"].initial = courses[0].pk if courses else None
        self.fields["pathway"].queryset = Pathway.objects.filter(course__in=courses).order_by("order", "id")
        majors = sorted(set(CourseRelease.objects.filter(course__in=courses).values_list("major", flat=True)))
        self.fields["version"].choices = [("", gettext("Every version"))] + [
            (m, gettext("Version %(major)s") % {"major": m}) for m in majors
        ]
        self.courses = courses

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", gettext("The end date must be on or after the start date."))
        if since and until and (until - since).days > MAX_DAYS:
            self.add_error("until", gettext("Choose a range of ten years or less."))
        pathway, course = data.get("pathway"), data.get("course")
        if pathway and course and pathway.course_id != course.pk:
            self.add_error("pathway", gettext("Choose an audience of the chosen course."))
        return data

    def scope(self, *, learner_ids=None) -> tuple[Scope, int | None] | None:
        """The scope and the audience to show, or None when there is no course (or the form is invalid)."""
        if self.is_bound:
            if not self.is_valid():
                return None
            data = self.cleaned_data
        else:
            data = {"course": self.courses[0] if self.courses else None}
        if data.get("course") is None:
            return None
        pathway = data.get("pathway")
        scope = Scope(
            course=data["course"],
            learner_ids=learner_ids,
            since=data.get("since"),
            until=data.get("until"),
            version_major=data.get("version"),
            all_attempts=data.get("attempts") == "all",
        )
        return scope, (pathway.pk if pathway else None)
