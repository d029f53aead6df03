"""No answer of the API holds personal data: every endpoint, read by the system administrator (who
sees everything) over a regency with nominees, batches and snapshots, carries no NIK, KK, phone
number or nominee name."""

import datetime as dt

import pytest

from registrations.enums import NomineeStatus

from .conftest import KK, NAME, NIK_PREFIX, PHONE, make_batch

PATHS = [
    "/api/v1/regions/", "/api/v1/coverage/17.05/", "/api/v1/coverage/17.05/history/",
    "/api/v1/coverage/17.05/children/", "/api/v1/coverage/17.05.01/", "/api/v1/coverage/17.05.01/children/",
    "/api/v1/coverage/17.05.01.2002/", "/api/v1/coverage/17.05.01.2002/history/", "/api/v1/export-batches/",
    "/api/v1/export-batches/BPJS-1705-2026-001/", "/api/v1/schema/",
]


@pytest.mark.parametrize("path", PATHS)
def test_no_personal_data_in_any_answer(api, seluma_coverage, programme, regency_admin, add_nominees, niur,
                                        sysadmin, path):
    batch = make_batch(programme, regency_admin, "BPJS-1705-2026-001")
    add_nominees(programme, niur, 3, NomineeStatus.REGISTERED, dt.date(2026, 8, 1), batch=batch)

    response = api(sysadmin).get(path)

    body = response.content.decode()
    assert response.status_code == 200
    assert NIK_PREFIX not in body and KK not in body and PHONE not in body and NAME not in body
