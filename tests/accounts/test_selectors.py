"""accounts/selectors.py: approval_shortfall, the one rule that says when a regency's approval can
get stuck (two steps, fewer than two active approvers)."""

import pytest

from accounts.enums import Role
from accounts.models import User
from accounts.selectors import approval_shortfall
from accounts.services import user_create
from villages.enums import ApprovalSteps
from villages.selectors import regency_settings_get

pytestmark = pytest.mark.django_db


def approver_of(regency, username):
    return user_create(username=username, role=Role.REGENCY_APPROVER, regions=[regency], password="x-12345678",
                       must_change_password=False, full_name="Dua Penyetuju")


def steps(regency, value):
    settings = regency_settings_get(regency)
    settings.approval_steps = value
    settings.save()
    regency.refresh_from_db()


def test_two_steps_and_one_approver_is_short_of_a_second_one(seluma, approver, reviewer, django_assert_num_queries):
    steps(seluma, ApprovalSteps.TWO)
    seluma = type(seluma).objects.select_related("settings").get(pk=seluma.pk)

    with django_assert_num_queries(1):  # the approvers; the settings came with the regency
        shortfall = approval_shortfall(seluma)

    assert shortfall.approver == approver
    assert shortfall.message.startswith("Alur persetujuan dua tahap, tetapi hanya ada satu penyetuju (Bambang Irawan).")


def test_two_steps_without_any_approver_says_nobody_can_approve(seluma, reviewer, other_regency):
    approver_of(other_regency, "penyetuju-lain")  # another regency's approver does not count

    shortfall = approval_shortfall(seluma)

    assert shortfall.approver is None
    assert "belum punya akun penyetuju dinas yang aktif" in shortfall.message


def test_two_approvers_or_one_step_is_no_shortfall(seluma, approver):
    second = approver_of(seluma, "penyetuju-dua")
    assert approval_shortfall(seluma) is None

    User.objects.filter(pk=second.pk).update(is_active=False)  # gone: short again
    assert approval_shortfall(seluma).approver == approver

    steps(seluma, ApprovalSteps.ONE)
    assert approval_shortfall(seluma) is None


def test_a_regency_without_settings_yet_has_two_steps(seluma, approver):
    assert approval_shortfall(seluma).approver == approver
