"""reports/permissions.py: who enters and who reads coverage figures, persona by persona."""

import pytest

from reports.permissions import can_enter_coverage, can_view_coverage
from villages.models import Province

ENTER = {"regency_admin": True, "approver": True, "sysadmin": True, "reviewer": False, "viewer": False,
         "bpjs_officer": False, "officer": False, "province_viewer": False, "other_admin": False,
         "other_reviewer": False}
VIEW_SELUMA = {"regency_admin": True, "approver": True, "sysadmin": True, "reviewer": True, "viewer": True,
               "bpjs_officer": True, "province_viewer": True, "officer": False, "neighbour_officer": False,
               "other_admin": False, "other_reviewer": False}


@pytest.mark.parametrize(("persona", "allowed"), ENTER.items())
def test_who_enters_seluma_figures(request, seluma, sukaraja, niur, persona, allowed):
    user = request.getfixturevalue(persona)

    assert [can_enter_coverage(user, region) for region in (seluma, sukaraja, niur)] == [allowed] * 3


@pytest.mark.parametrize(("persona", "allowed"), [("sysadmin", True), ("regency_admin", False),
                                                  ("province_viewer", False)])
def test_only_the_system_administrator_enters_province_figures(request, seluma, persona, allowed):
    assert can_enter_coverage(request.getfixturevalue(persona), Province.objects.get(code="17")) is allowed


@pytest.mark.parametrize(("persona", "allowed"), VIEW_SELUMA.items())
def test_who_reads_seluma_figures(request, seluma, sukaraja, niur, persona, allowed):
    user = request.getfixturevalue(persona)

    assert [can_view_coverage(user, region) for region in (seluma, sukaraja, niur)] == [allowed] * 3


@pytest.mark.parametrize(("persona", "allowed"), [("province_viewer", True), ("sysadmin", True),
                                                  ("regency_admin", False), ("viewer", False)])
def test_who_reads_the_province(request, seluma, persona, allowed):
    assert can_view_coverage(request.getfixturevalue(persona), Province.objects.get(code="17")) is allowed


def test_an_inactive_user_neither_reads_nor_enters(seluma, regency_admin):
    regency_admin.is_active = False

    assert (can_view_coverage(regency_admin, seluma), can_enter_coverage(regency_admin, seluma)) == (False, False)


def test_anonymous_neither_reads_nor_enters(seluma):
    from django.contrib.auth.models import AnonymousUser

    assert (can_view_coverage(AnonymousUser(), seluma), can_enter_coverage(AnonymousUser(), seluma)) == (False, False)
