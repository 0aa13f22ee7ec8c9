"""Signals other apps may listen to. Receivers must only call a service of their own app."""

from django.dispatch import Signal

# Sent inside the transaction that completes an enrolment, exactly once per enrolment.
# Keyword arguments: enrolment (courses.models.Enrolment).
enrolment_completed = Signal()

# Sent by the loader inside its transaction when a course gets a new major release (material changes).
# Keyword arguments: course (courses.models.Course), major (int).
course_released = Signal()
