"""Issue 20: the learner pages' HTML, byte for byte, written to a folder, so two versions of the code can be
compared on the same data (`diff -r`). Run after `make bench` on its database, once per tree:

    DJANGO_ENV=production ... DATABASE_URL=<the bench database> python bench/html_check.py OUT_DIR

The bench's reader (learner503@bench.invalid) is logged in with a session of its own; the CSRF token, which is
new on every request, is the only part masked. Each page is requested twice and the second is kept (the caches
warm), and the two must be the same. Pages write (a unit opened, the last unit): run the old tree, the new,
and the old again, and compare the new with the second run of the old."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings")
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def main(out: Path) -> None:
    import django

    django.setup()
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.test import Client

    from accounts.models import User
    from certificates.models import Certificate
    from courses.models import Course, Unit

    reader = User.objects.get(email="learner503@bench.invalid")
    session = SessionStore()
    session["_auth_user_id"] = str(reader.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = reader.get_session_auth_hash()
    session.create()
    course = Course.objects.get(slug="cse-awareness")
    units = list(Unit.objects.filter(course=course).order_by("order"))
    code = (
        Certificate.objects.filter(status=Certificate.Status.ISSUED)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    pages = {
        "home": "/",
        "dashboard": "/courses/",
        "overview": f"/courses/{course.slug}/",
        **{f"unit-{u.order}": f"/courses/{course.slug}/units/{u.slug}/" for u in units},
        "quiz": f"/quizzes/{course.slug}/{units[3].slug}/",
        "verification": f"/verify/{code[7]}/",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if name not in ("home", "verification"):
            client.cookies["sessionid"] = session.session_key
        texts = []
        for _ in range(2):
            response = client.get(path)
            texts.append(TOKEN.sub(r"\1-\2", response.content.decode()))
        if texts[0] != texts[1]:
            print(f"{name}: the second request differs from the first")
        (out / f"{name}.html").write_text(f"{response.status_code}\n{texts[1]}")
        print(f"{name:<14} {response.status_code} {len(texts[1]):>7} bytes  {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
