"""What the README promises the system administrator on the BPJS side: it sets the regency's BPJS
column layout and sees a programme's batch list, but the hand-over itself, which carries NIKs in
clear (the regency's BPJS page, making a batch, the answer upload), answers it 404 like anyone
without the right."""

from django.urls import reverse

from bpjs.models import ExportBatch


def test_the_system_admin_sets_the_layout_but_does_not_handle_the_hand_over(login, sysadmin, seluma, programme):
    client = login(sysadmin)

    assert client.get(reverse("registrations:bpjs-layout", args=[seluma.pk])).status_code == 200
    assert client.get(reverse("registrations:export-batch-list", args=[programme.pk])).status_code == 200
    assert client.get(reverse("registrations:bpjs-regency", args=[seluma.pk])).status_code == 404
    assert client.get(reverse("registrations:bpjs-answer-upload", args=[seluma.pk])).status_code == 404
    assert client.post(reverse("registrations:export-batch-create", args=[programme.pk])).status_code == 404
    assert not ExportBatch.objects.exists()
