"""Sending one score to an LTI platform's line item (LTI Assignment and Grade Services), with pylti1p3."""

from __future__ import annotations

import requests
from lti_tool.models import LtiRegistration
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
TIMEOUT_SECONDS = 20


class PlatformUnavailable(Exception):
    """The platform did not answer, or answered that it cannot take the score now (5xx, 429): retry later."""


class PlatformRefused(Exception):
    """The platform refused the score for good (4xx other than 409/429): retrying will not help."""


class _TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def score_send(
    *,
    registration: LtiRegistration,
    lineitem_url: str,
    user_sub: str,
    score_given: float,
    score_maximum: float,
    activity_progress: str,
    grading_progress: str,
    timestamp: str,
    comment: str = "",
) -> None:
    """POST the score to `<lineitem>/scores`. A 409 (the platform already has this or a newer timestamp)
    counts as delivered: the outbox may send the same score twice after a lost answer."""
    connector = ServiceConnector(registration.to_registration(), requests_session=_TimeoutSession())
    service = AssignmentsGradesService(connector, {"scope": [SCORE_SCOPE], "lineitem": lineitem_url})
    grade = (
        Grade()
        .set_score_given(score_given)
        .set_score_maximum(score_maximum)
        .set_activity_progress(activity_progress)
        .set_grading_progress(grading_progress)
        .set_timestamp(timestamp)
        .set_user_id(user_sub)
    )
    if comment:
        grade.set_comment(comment)
    try:
        service.put_grade(grade)
    except LtiServiceException as exc:
        status = getattr(exc, "response", None)
        code = getattr(status, "status_code", None)
        if code == 409:
            return
        if code is None or code >= 500 or code == 429:
            raise PlatformUnavailable(str(exc)) from exc
        raise PlatformRefused(f"{code}: {str(exc)[:300]}") from exc
    except requests.RequestException as exc:
        raise PlatformUnavailable(f"{type(exc).__name__}: {exc}") from exc
