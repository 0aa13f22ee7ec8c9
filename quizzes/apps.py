from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from django.urls import reverse

        from accounts.personal_data import register_section
        from courses import hooks, loading
        from courses.services import register_completion_check

        from .loading import QuizContent
        from .personal_data import personal_data_attempts
        from .rules import assessment_status
        from .selectors import quizzes_not_passed_reason, unit_ids_with_different_questions

        register_section("quiz_attempts", personal_data_attempts)
        register_completion_check("quizzes.passed", quizzes_not_passed_reason, order=20)

        loading.register_extension(QuizContent())
        hooks.set_assessment_differences(unit_ids_with_different_questions)
        hooks.set_assessment_status(assessment_status)
        hooks.set_assessment_url(
            lambda course, unit: reverse(
                "quizzes:take", kwargs={"course_slug": course.slug, "unit_slug": unit.slug}
            )
        )
