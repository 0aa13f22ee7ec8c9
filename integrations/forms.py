from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Pathway

from . import scorm


class ScormPackageForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.order_by("title"),
        empty_label=None,
        label=_("Course"),
        error_messages={"required": _("Choose a course.")},
    )
    pathway = forms.ModelChoiceField(
        queryset=Pathway.objects.select_related("course").order_by("course__title", "order", "id"),
        required=False,
        empty_label=_("Let each learner choose"),
        label=_("Role (pathway)"),
    )
    lms_origin = forms.CharField(
        required=False,
        max_length=200,
        label=_("Your LMS's address (optional)"),
        help_text=_(
            "For example https://lms.example.org. Give it to open the course inside the LMS page; "
            "leave it empty to open the course in a new window."
        ),
    )

    def clean_lms_origin(self) -> str:
        try:
            return scorm.origin_clean(self.cleaned_data.get("lms_origin", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        course, pathway = data.get("course"), data.get("pathway")
        if course and pathway and pathway.course_id != course.pk:
            self.add_error("pathway", "Choose a role from the course you chose, or let each learner choose.")
        return data
