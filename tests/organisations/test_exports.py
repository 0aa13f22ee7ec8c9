"""ZIP of selected members' certificate PDFs: a row per request, built by a real Celery worker into storage,
shown as "being prepared" then offered for download to managers of that organisation only."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from certificates.models import Certificate
from organisations import services
from organisations.models import CertificateExport
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import wait_for
from tests.two_factor import login_verified

from .factories import InvitedMembershipFactory, MembershipFactory
from .helpers import member_in_state


def with_pdf(membership, *, content: bytes | None = None) -> Certificate:
    """Give the member an issued certificate whose PDF is in storage."""
    certificate = CertificateFactory(
        learner=membership.user,
        enrolment__learner=membership.user,
        status=Certificate.Status.ISSUED,
    )
    certificate.pdf.name = default_storage.save(
        f"certificates/{certificate.code}.pdf", ContentFile(content or f"%PDF {certificate.code}".encode())
    )
    certificate.save(update_fields=["pdf"])
    return certificate


def zip_names(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_build_puts_each_selected_members_pdfs_in_the_zip(organisation, other_organisation, manager, course):
    ann = MembershipFactory(organisation=organisation, user__certificate_name="Ann Jones")
    bob = MembershipFactory(organisation=organisation, user__certificate_name="Bob Ng")
    not_chosen = MembershipFactory(organisation=organisation)
    outsider = MembershipFactory(organisation=other_organisation)
    pending = member_in_state(organisation, course, "completed", certificate_name="Cai Pending")
    ann_certificate = with_pdf(ann)
    with_pdf(not_chosen)
    with_pdf(outsider)
    export = services.export_create(
        organisation=organisation,
        requested_by=manager,
        membership_ids=[ann.pk, bob.pk, pending.pk, outsider.pk],
    )
    assert export.membership_ids == sorted([ann.pk, bob.pk, pending.pk])  # another organisation's id dropped

    built = services.export_build(export_id=export.pk)
    assert built.status == CertificateExport.Status.READY and built.certificate_count == 1
    with built.file.open("rb") as handle:
        files = zip_names(handle.read())
    assert files[f"ann-jones-{ann_certificate.code}.pdf"] == f"%PDF {ann_certificate.code}".encode()
    notes = files["not-included.txt"].decode()
    assert "Bob Ng" in notes and "Cai Pending" in notes
    assert len(files) == 2

    again = services.export_build(export_id=export.pk)  # a redelivered task changes nothing
    assert again.file.name == built.file.name


@pytest.mark.django_db
def test_an_export_needs_someone_who_has_joined(organisation, manager):
    invited = InvitedMembershipFactory(organisation=organisation)
    with pytest.raises(services.ExportError):
        services.export_create(organisation=organisation, requested_by=manager, membership_ids=[invited.pk])
    with pytest.raises(services.ExportError):
        services.export_create(
            organisation=organisation, requested_by=manager, membership_ids=list(range(1, 600))
        )
    assert not CertificateExport.objects.exists()


@pytest.mark.django_db
def test_the_dashboard_form_with_nobody_selected_says_so(manager_client, organisation):
    response = manager_client.post(
        reverse("organisations:export_create", args=[organisation.pk]), follow=True
    )
    assert "Select at least one person who has joined." in response.content.decode()


@pytest.mark.worker
def test_a_real_worker_builds_the_zip_and_the_manager_downloads_it(
    celery_worker, client, organisation, manager
):
    ann = MembershipFactory(organisation=organisation, user__certificate_name="Ann Jones")
    certificate = with_pdf(ann)
    login_verified(client, manager)

    response = client.post(
        reverse("organisations:export_create", args=[organisation.pk]), {"member": [ann.pk]}
    )
    export = CertificateExport.objects.get()
    assert response["Location"] == reverse("organisations:export", args=[organisation.pk, export.pk])

    def ready():
        export.refresh_from_db()
        return export.status == CertificateExport.Status.READY

    wait_for(ready, timeout=30, what="the export to be built by the worker")
    page = client.get(response["Location"]).content.decode()
    assert "data-refresh-seconds" not in page
    download = reverse("organisations:export_download", args=[organisation.pk, export.pk])
    assert download in page
    got = client.get(download)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/zip"
    assert got["Cache-Control"] == "private, no-store"
    files = zip_names(b"".join(got.streaming_content))
    assert list(files) == [f"ann-jones-{certificate.code}.pdf"]


@pytest.mark.django_db
def test_a_pending_export_page_refreshes_itself_and_has_no_download(manager_client, organisation, manager):
    member = MembershipFactory(organisation=organisation)
    export = services.export_create(
        organisation=organisation, requested_by=manager, membership_ids=[member.pk]
    )
    page = manager_client.get(reverse("organisations:export", args=[organisation.pk, export.pk]))
    html = page.content.decode()
    assert 'data-refresh-seconds="3"' in html and "being prepared" in html
    download = reverse("organisations:export_download", args=[organisation.pk, export.pk])
    assert download not in html
    assert manager_client.get(download).status_code == 404


@pytest.mark.django_db
def test_a_failed_export_says_so(manager_client, organisation, manager):
    member = MembershipFactory(organisation=organisation)
    export = services.export_create(
        organisation=organisation, requested_by=manager, membership_ids=[member.pk]
    )
    services.export_mark_failed(export_id=export.pk, reason="OSError: disk full")
    html = manager_client.get(
        reverse("organisations:export", args=[organisation.pk, export.pk])
    ).content.decode()
    assert "We could not prepare the file" in html and "data-refresh-seconds" not in html


@pytest.mark.django_db
def test_the_sweeper_queues_stuck_exports_and_deletes_old_ones(
    organisation, manager, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    member = MembershipFactory(organisation=organisation)
    stuck = services.export_create(
        organisation=organisation, requested_by=manager, membership_ids=[member.pk]
    )
    old = services.export_create(organisation=organisation, requested_by=manager, membership_ids=[member.pk])
    services.export_build(export_id=old.pk)
    old.refresh_from_db()
    old_file = old.file.name
    CertificateExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    from elearning.celery import app

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits (issue 14)
        swept = services.organisations_sweep(older_than=dt.timedelta(0))
    app.control.purge()  # nothing here consumes the queued build; leave no message for a later worker
    assert swept["exports"] == [stuck.pk]
    assert swept["exports_deleted"] == 1
    assert not CertificateExport.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old_file)
    stuck.refresh_from_db()
    assert stuck.enqueued_at is not None
