"""Reads of this app for other places: the learner's "download my data" section."""

from __future__ import annotations

from accounts.personal_data import iso

from .models import GradePost, LtiIdentity, ScormLearner


def personal_data_lms_links(user) -> dict:
    """Which LMSs the learner came from, and what we sent back to them."""
    return {
        "lti": [
            {
                "platform": identity.deployment.registration.issuer,
                "deployment": identity.deployment.deployment_id,
                "user_id_in_lms": identity.sub,
                "linked_at": iso(identity.created_at),
            }
            for identity in LtiIdentity.objects.filter(user=user).select_related("deployment__registration")
        ],
        "scorm": [
            {
                "organisation": row.organisation.name,
                "user_id_in_lms": row.lms_learner_id,
                "linked_at": iso(row.created_at),
            }
            for row in ScormLearner.objects.filter(user=user).select_related("organisation")
        ],
        "grades_sent": [
            {
                "line_item": post.link.lineitem_url,
                "score": float(post.score_given),
                "progress": post.activity_progress,
                "status": post.status,
                "sent_at": iso(post.sent_at),
            }
            for post in GradePost.objects.filter(link__user=user).select_related("link")
        ],
    }
