"""Seeds the benchmark data set: the full course, 2,000 learners with mixed progress, 500 issued certificates,
logged-in sessions and open quiz attempts with the right answers ready to post, and an organisation whose
2,000 members are those learners, with a manager signed in past the second step (the manager dashboard)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import transaction
from django.utils import timezone

from accounts import two_factor
from accounts.models import User
from certificates.models import Certificate
from certificates.services import add_months, new_code
from courses.loading import load_courses
from courses.models import Course, Enrolment, Pathway, Unit, UnitProgress, UnitVisit
from organisations.models import Membership, Organisation
from quizzes.models import Attempt
from quizzes.selectors import question_ids_for_pathway, questions_with_choices

LEARNERS = 2000
ISSUED = 500
SUBMIT_ATTEMPTS = 6000  # more than a 10-second run can use, so every POST grades a fresh attempt
CSRF_SECRET = "b" * 32  # a fixed CSRF secret: the cookie and the form field carry the same value


def right_answers(attempt: Attempt) -> dict[str, list[str] | str]:
    body: dict[str, list[str] | str] = {}
    for question, choices in questions_with_choices(question_ids=attempt.question_ids, attempt=attempt):
        kind = question.type_name
        if kind == "single":
            body[question.field_name] = question.option_value(next(c for c in choices if c.is_correct))
        elif kind == "multiple":
            body[question.field_name] = [question.option_value(c) for c in choices if c.is_correct]
        elif kind == "ordering":
            for c in choices:
                body[question.item_field(c)] = str(c.position)
        else:
            for c in choices:
                body[question.item_field(c)] = c.match
    return body


def encode(body: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({**body, "csrfmiddlewaretoken": CSRF_SECRET}, doseq=True)


def session_for(user: User) -> str:
    """A signed-in session as a log-in leaves it: in the database and in the cache (cached_db)."""
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def manager_session(users: list[User], now: dt.datetime) -> tuple[str, str]:
    """An organisation with these users as its members and a manager signed in as a log-in with the second
    step leaves the session (accounts.two_factor.mark_verified): its dashboard's path and the cookie."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    Organisation.objects.filter(name="Bench organisation").delete()
    organisation = Organisation.objects.create(name="Bench organisation", kind=Organisation.Kind.FOSTERING)
    manager = User.objects.create(
        email="manager@bench.invalid", certificate_name="Bench Manager", email_verified_at=now
    )
    members = [Membership(organisation=organisation, user=u, email=u.email, joined_at=now) for u in users]
    role = Membership.Role.MANAGER
    members.append(
        Membership(organisation=organisation, user=manager, email=manager.email, role=role, joined_at=now)
    )
    Membership.objects.bulk_create(members, batch_size=2000)
    device = TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    store = SessionStore()
    store["_auth_user_id"] = str(manager.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = manager.get_session_auth_hash()
    store[two_factor.SESSION_KEY] = device.persistent_id
    store[two_factor.PRIVILEGED_KEY] = True
    store[two_factor.LAST_SEEN_KEY] = int(now.timestamp())
    store.create()
    return f"/organisations/{organisation.pk}/", f"sessionid={store.session_key}; csrftoken={CSRF_SECRET}"


@transaction.atomic
def seed(out_dir: Path) -> dict:
    load_courses()
    course = Course.objects.get(slug="cse-awareness")
    pathways = list(Pathway.objects.filter(course=course).order_by("order"))
    units = list(Unit.objects.filter(course=course).order_by("order"))
    now = timezone.now()
    password = make_password("bench-password-1")

    User.objects.filter(email__endswith="@bench.invalid").delete()
    users = User.objects.bulk_create(
        [
            User(
                email=f"learner{n}@bench.invalid",
                certificate_name=f"Learner {n}",
                password=password,
                email_verified_at=now,
            )
            for n in range(LEARNERS)
        ]
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner=user,
                course=course,
                pathway=pathways[n % len(pathways)],
                last_unit=units[n % len(units)],
                completed_at=now if n < ISSUED else None,
                content_version=course.version if n < ISSUED else None,
            )
            for n, user in enumerate(users)
        ]
    )
    progress = []
    for n, enrolment in enumerate(enrolments):
        done = len(units) if n < ISSUED else n % len(units)  # mixed progress: 0 to 6 units, or all
        progress += [UnitProgress(enrolment=enrolment, unit=unit, completed_at=now) for unit in units[:done]]
    UnitProgress.objects.bulk_create(progress, batch_size=2000)
    today = timezone.localdate()
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                code=new_code(),
                enrolment=enrolment,
                learner=enrolment.learner,
                course=course,
                pathway=enrolment.pathway,
                content_version=course.version,
                holder_name=enrolment.learner.certificate_name,
                course_title=course.title,
                pathway_title=enrolment.pathway.title,
                cpd_minutes=course.cpd_minutes,
                issued_on=today - dt.timedelta(days=n % 700),
                expires_on=add_months(today - dt.timedelta(days=n % 700), course.validity_months),
                status=Certificate.Status.ISSUED,
                issued_at=now,
                emailed_at=now,
            )
            for n, enrolment in enumerate(enrolments[:ISSUED])
        ]
    )

    # One reader in the middle of the course for the GET pages.
    reader = enrolments[ISSUED + 3]
    reader_unit = units[2]
    # Open attempts on the first four quizzes of the learners still in progress, with their right answers.
    quizzes = [unit.quiz for unit in units[:4]]
    question_ids = {
        (quiz.pk, pathway.pk): question_ids_for_pathway(quiz=quiz, pathway=pathway)
        for quiz in quizzes
        for pathway in pathways
    }
    attempts = []
    for enrolment in enrolments[ISSUED:]:
        for quiz in quizzes:
            attempts.append(
                Attempt(
                    enrolment=enrolment,
                    quiz=quiz,
                    question_ids=question_ids[(quiz.pk, enrolment.pathway_id)],
                    seed=secrets.randbelow(2**31),
                )
            )
    attempts = Attempt.objects.bulk_create(attempts[:SUBMIT_ATTEMPTS], batch_size=1000)
    # Read before you are tested (issue 17): these learners have opened the units whose quizzes they take.
    now_opened = timezone.now()
    UnitVisit.objects.bulk_create(
        [
            UnitVisit(enrolment=e, unit=q.unit, first_opened_at=now_opened, last_opened_at=now_opened)
            for e in enrolments[ISSUED:]
            for q in quizzes
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    sessions = {enrolment.learner_id: None for enrolment in enrolments[ISSUED:]}
    submits = []
    for attempt in attempts:
        if attempt.enrolment_id == reader.pk:
            continue  # the reader's open attempt backs the quiz page measured before the submits
        learner_id = attempt.enrolment.learner_id
        if sessions[learner_id] is None:
            sessions[learner_id] = session_for(attempt.enrolment.learner)
        submits.append(
            {
                "quiz": attempt.quiz_id,
                "path": f"/quizzes/attempts/{attempt.public_id}/submit/",
                "cookie": f"sessionid={sessions[learner_id]}; csrftoken={CSRF_SECRET}",
                "body": encode(right_answers(attempt)),
            }
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    # Two submits of the same quiz by two learners are posted in-process to count a submit's queries (the
    # first warms the quiz's content cache, as a running server has it); wrk posts the rest.
    warm = submits[0]
    counted = next(row for row in submits[1:] if row["quiz"] == warm["quiz"])
    count_rows = [warm, counted]
    submits = [row for row in submits if row is not warm and row is not counted]
    (out_dir / "submits.lua").write_text(_lua_table(submits))
    manager_path, manager_cookie = manager_session(users, now)
    return {
        "reader_cookie": f"sessionid={session_for(reader.learner)}; csrftoken={CSRF_SECRET}",
        "manager_path": manager_path,
        "manager_cookie": manager_cookie,
        "unit_path": f"/courses/{course.slug}/units/{reader_unit.slug}/",
        "quiz_path": f"/quizzes/{course.slug}/{units[3].slug}/",
        "verify_path": f"/verify/{certificates[7].code}/",
        "submits": len(submits),
        "count_rows": count_rows,
        "learners": LEARNERS,
        "issued": len(certificates),
    }


def _lua_table(rows: list[dict]) -> str:
    def quote(value: str) -> str:
        return json.dumps(value)  # a JSON string is a valid Lua string literal for these ASCII values

    lines = ["return {"]
    for row in rows:
        lines.append(f"  {{{quote(row['path'])}, {quote(row['cookie'])}, {quote(row['body'])}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"
