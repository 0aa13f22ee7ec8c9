"""Courses: courses, role pathways, units of polymorphic content blocks, enrolments and progress."""
