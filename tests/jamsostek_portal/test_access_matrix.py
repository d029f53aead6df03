"""The access matrix: every URL of the portal × every role × in and out of its regions × GET and POST,
against the answer declared for that URL in tests/access_matrix.py.

The URLs come from the URL configuration itself (django.urls.get_resolver()), so a page added
without a declaration fails `test_every_url_is_declared`, naming it. Refused roles and objects
outside a user's regions get the one uniform 404 ("not yours" looks like "not there"), anonymous
visitors are sent to the login page (the API answers 401/403 in JSON), and a refused POST changes
nothing: PostgreSQL's count of rows written in the transaction is the same before and after. Out
of scope is a regency of another province for everyone; the village officer also tries the next
village's list and people (Desa Lubuk Sahung, same subdistrict). A server error fails its case
with the traceback (the test client raises it).

The regions, personas and one object of each kind a URL takes are built once for the module (in
one transaction rolled back at its end); each request runs in its own savepoint, so an allowed POST
does not leak into the next case. CSRF is not enforced here on purpose: a refused POST must be
refused by the view's own check, not by a missing token (the CSRF answer has its own tests).
"""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.enums import Role
from accounts.services import user_create
from tests.access_matrix import ACCESS, ANONYMOUS, NOT_CHECKED_NAMESPACES, Access, argument_names, expected_answer
from tests.conftest import ensure_reference_data

# The regency everyone works in, and a regency of another province: outside every persona's regions
# (the province viewer's included). Desa Niur is the village officer's.
HOME_REGENCY, HOME_PROVINCE, HOME_SUBDISTRICT, HOME_VILLAGE = "17.05", "17", "17.05.01", "17.05.01.2002"
# Desa Lubuk Sahung, in the same subdistrict: the village officer's neighbour, whose list is not hers.
NEIGHBOUR_VILLAGE = "17.05.01.2003"
OTHER_REGENCY = "16.01"
SCOPES = ("in", "out")
METHODS = ("GET", "POST")
ROLES = [ANONYMOUS, *Role.values]
FAKE_TOKEN = "a" * 32


def portal_urls() -> list[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every URL in the URL configuration, declared skips aside."""
    found: list[tuple[str, URLPattern]] = []

    def walk(resolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace) if part)
                if inner in NOT_CHECKED_NAMESPACES:
                    continue
                walk(entry, inner)
            else:
                found.append((":".join(part for part in (namespace, entry.name or "") if part), entry))

    walk(get_resolver(), "")
    return found


URLS = portal_urls()


def test_every_url_is_declared():
    undeclared = sorted(name or str(pattern.pattern) for name, pattern in URLS if name not in ACCESS)
    assert not undeclared, (
        "These URLs have no declared access in tests/access_matrix.py (who may GET and POST them, "
        f"which object each argument is): {', '.join(undeclared)}")


def test_no_declaration_is_left_for_a_removed_url():
    names = {name for name, _ in URLS}
    assert not set(ACCESS) - names, f"declared but no longer in the URL configuration: {sorted(set(ACCESS) - names)}"


# --- The world, built once ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from bpjs.models import ExportBatch
    from common.access_log import export_record
    from common.models import ExportKind, Job
    from registrations import services as registration_services
    from registrations.enums import NomineeStatus, QuotaRule
    from registrations.models import BodyOfficer, NominatingBody, Nominee, OccupationCategory, ProgrammeBody
    from villages.loader import load_regions
    from villages.models import Province, Regency, Subdistrict, Village

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_reference_data()
            load_regions([HOME_REGENCY, OTHER_REGENCY])
            regions = {
                "in": {
                    "province": Province.objects.get(code=HOME_PROVINCE),
                    "regency": Regency.objects.get(code=HOME_REGENCY),
                    "subdistrict": Subdistrict.objects.get(code=HOME_SUBDISTRICT),
                    "village": Village.objects.get(code=HOME_VILLAGE),
                },
            }
            other_regency = Regency.objects.get(code=OTHER_REGENCY)
            other_village = Village.objects.filter(subdistrict__regency=other_regency).order_by("code").first()
            regions["out"] = {"province": other_regency.province, "regency": other_regency,
                              "subdistrict": other_village.subdistrict, "village": other_village}

            def persona(role, regions_):
                return user_create(username=f"matrix-{role}-{uuid.uuid4().hex[:6]}", role=role, regions=regions_,
                                   password="rahasia-uji-123", must_change_password=False)

            home = regions["in"]
            region_of_role = {
                Role.VILLAGE_OFFICER: [home["village"]], Role.PROVINCE_VIEWER: [home["province"]],
                Role.SYSTEM_ADMIN: [],
            }
            users = {role: persona(role, region_of_role.get(role, [home["regency"]])) for role in Role.values}
            other_admin = persona(Role.REGENCY_ADMIN, [regions["out"]["regency"]])
            other_officer = persona(Role.VILLAGE_OFFICER, [regions["out"]["village"]])
            occupation = OccupationCategory.objects.get(name="Petani")

            objects = {}
            for scope, admin, officer in (("in", users[Role.REGENCY_ADMIN], users[Role.VILLAGE_OFFICER]),
                                          ("out", other_admin, other_officer)):
                place = regions[scope]
                programme = registration_services.programme_create(
                    regency=place["regency"], created_by=admin, name=f"Program {scope}", year=2026, stage=1,
                    implementing_office="Dinas Tenaga Kerja", coverage_start=dt.date(2026, 3, 1),
                    nomination_opens=dt.date(2026, 1, 5), nomination_closes=dt.date(2099, 2, 20),
                    quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10,
                )
                number = f"BPJS-MATRIX-{scope.upper()}"
                batch = ExportBatch(regency=place["regency"], programme=programme, number=number,
                                    created_by=admin, row_count=1)
                batch.file.save(f"{number}.xlsx", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
                batch.save()
                nominee = Nominee.objects.create(
                    programme=programme, village=place["village"], status=NomineeStatus.SUBMITTED,
                    nik=f"{place['village'].code.replace('.', '')[:6]}0101900001"[:16], nik_hash=uuid.uuid4().hex,
                    nik_masked="************0001", kk="1705010101200001", phone="081234567890",
                    full_name=f"Warga {scope}", birth_place="Tais", birth_date=dt.date(1990, 1, 1), sex="L",
                    address="Jalan Desa", rt="001", occupation=occupation,
                    consent_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC), consent_by=admin, created_by=officer,
                )
                body = NominatingBody.objects.create(regency=place["regency"], name=f"Lembaga {scope}")
                ProgrammeBody.objects.create(programme=programme, body=body, quota=5)
                if scope == "in":
                    BodyOfficer.objects.create(user=users[Role.INSTITUTION_OFFICER], body=body)
                body_nominee = Nominee.objects.create(
                    programme=programme, village=place["village"], nominating_body=body,
                    status=NomineeStatus.SUBMITTED, nik=f"{place['village'].code.replace('.', '')[:6]}0101900003"[:16],
                    nik_hash=uuid.uuid4().hex, nik_masked="************0003", kk="1705010101200003",
                    full_name=f"Marbot {scope}", birth_place="Tais", birth_date=dt.date(1990, 1, 1), sex="L",
                    address="Jalan Masjid", rt="001", occupation=occupation,
                    consent_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC), consent_by=admin, created_by=admin,
                )
                job = Job.objects.create(kind="matrix", title="Pekerjaan uji", requested_by=admin,
                                         regency=place["regency"])
                export = export_record(kind=ExportKind.values[0], requested_by=admin, regency=place["regency"],
                                       row_count=0, programme=programme)
                export.file.save(f"ekspor-{scope}.xlsx", ContentFile(b"PK\x05\x06" + bytes(18)))
                objects[scope] = {
                    **place, "programme": programme, "nominee": nominee, "batch": batch, "job": job,
                    "export": export, "account": officer, "token": FAKE_TOKEN, "batch_number": number,
                    "region_code": place["regency"].code, "body": body, "body_nominee": body_nominee,
                }
            sessions = {}
            for role, user in users.items():
                client = Client()
                client.force_login(user)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            neighbour = Village.objects.get(code=NEIGHBOUR_VILLAGE)
            neighbour_nominee = Nominee.objects.create(
                programme=objects["in"]["programme"], village=neighbour, status=NomineeStatus.SUBMITTED,
                nik="1705010101900002", nik_hash=uuid.uuid4().hex, nik_masked="************0002",
                kk="1705010101200002", phone="081234567891", full_name="Warga tetangga", birth_place="Tais",
                birth_date=dt.date(1990, 1, 1), sex="L", address="Jalan Desa", rt="001", occupation=occupation,
                consent_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC), consent_by=users[Role.REGENCY_ADMIN],
                created_by=users[Role.REGENCY_ADMIN],
            )
            objects["neighbour"] = {**objects["in"], "village": neighbour, "nominee": neighbour_nominee}
            yield {"users": users, "objects": objects, "sessions": sessions}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# Tables a request may write without changing anything of the portal's: the session it carries.
UNWATCHED_TABLES = ("django_session",)


def fingerprint() -> dict[str, int]:
    """Rows inserted, updated and deleted per table in this transaction so far (PostgreSQL's own
    count): a refused POST must leave it as it was, whatever table a page could have written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND NOT relname = ANY(%s)", [list(UNWATCHED_TABLES)])
        return dict(cursor.fetchall())


def _names_a_village(name: str, access: Access | None) -> bool:
    if access is None:
        return False
    arguments = argument_names(name)
    return "village_pk" in arguments or ("pk" in arguments and access.pk in ("village", "nominee"))


def cases():
    for name, _ in URLS:
        access = ACCESS.get(name)
        for role in ROLES:
            scopes = SCOPES if access is None or access.scoped else ("in",)
            if role == Role.VILLAGE_OFFICER and _names_a_village(name, access):
                scopes = (*scopes, "neighbour")  # the next village's list and people: not hers either
            for scope in scopes:
                for method in METHODS:
                    yield pytest.param(name, role, scope, method, id=f"{name}-{role}-{scope}-{method}")


@pytest.mark.parametrize(("name", "role", "scope", "method"), list(cases()))
def test_access(world, db, name, role, scope, method):
    access: Access = ACCESS.get(name)
    if access is None:
        pytest.fail(f"{name} has no declared access in tests/access_matrix.py")
    objects = world["objects"][scope]
    url = access.url(name, objects)
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    expected = expected_answer(access, role, scope, method)

    before = fingerprint() if method == "POST" and expected.refused else None
    response = client.get(url) if method == "GET" else client.post(url, access.post_data(objects))

    assert expected.matches(response), (
        f"{method} {url} as {role} ({scope} of scope): got {response.status_code} "
        f"{response.get('Location', '')}, declared {expected}")
    if before is not None:
        assert fingerprint() == before, f"refused POST {url} as {role} ({scope} of scope) changed data"


def test_the_fingerprint_sees_an_allowed_write(world, db):
    """The check the refused POSTs rely on does see a write: the reviewer's verification."""
    objects = world["objects"]["in"]
    access = ACCESS["registrations:nominee-decide"]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][Role.REGENCY_REVIEWER]
    before = fingerprint()

    response = client.post(access.url("registrations:nominee-decide", objects), access.post_data(objects))

    assert response.status_code == 302
    objects["nominee"].refresh_from_db()
    assert objects["nominee"].status == "verified"
    assert fingerprint() != before


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_the_system_administrators(world, db, role):
    """Django's admin (not walked by the matrix): the system administrator only; everyone else is
    sent to the admin's login page, which no portal role passes."""
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]

    response = client.get("/admin/")

    if role == Role.SYSTEM_ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
