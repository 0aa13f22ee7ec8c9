"""Quizzes: a scenario quiz per unit, polymorphic question types that grade themselves, attempts."""
