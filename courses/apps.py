from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self) -> None:
        from accounts.personal_data import register_section

        from .loading import register_extension
        from .loading.versions import VersionsContent
        from .personal_data import personal_data_enrolments

        register_section("courses", personal_data_enrolments)
        register_extension(VersionsContent())  # versions.yaml: parsed with the other files
