"""Signals other apps may listen to. Receivers must only call a service of their own app."""

from django.dispatch import Signal

# Sent inside the transaction that completes an enrolment, exactly once per enrolment.
# Keyword arguments: enrolment (courses.models.Enrolment).
enrolment_completed = Signal()

# Sent inside the transaction that records a unit as complete, once per (enrolment, unit) row created (the
# row is inserted with bulk_create, which sends no post_save). Keyword arguments: progress (UnitProgress).
unit_completed = Signal()

# Sent by the loader inside its transaction when a course gets a new major release (material changes).
# Keyword arguments: course (courses.models.Course), major (int).
course_released = Signal()
