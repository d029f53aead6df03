"""The demo's nominating body (lembaga pengusul, DOMAIN §9): Seluma's religious affairs office puts
forward mosque caretakers (marbot) beside the villages, with its own officer, quota and list. Its
nominees live in the demo villages, so the village officers see them on their lists, read only."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from demo.scenario import DemoNominee, demo_kk, demo_nik
from registrations import body_services, services
from registrations.enums import BodyKind
from registrations.models import BodyOfficer, NominatingBody, Nominee, OccupationCategory, Programme, ProgrammeBody
from registrations.validation import check_nominee
from villages.models import Village

DEMO_BODY_NAME = "Kantor Kementerian Agama Kabupaten Seluma"
DEMO_BODY_OFFICER = "lembaga.kemenag.seluma"
DEMO_BODY_QUOTA = 15

# Serials 9001 onwards: apart from the villages' demo nominees, so every NIK differs.
DEMO_MARBOTS = [
    DemoNominee("17.05.01.2002", 9001, "Abdul Somad", "L", dt.date(1968, 4, 12), "Marbot", "submitted"),
    DemoNominee("17.05.01.2003", 9002, "Muhammad Yunus", "L", dt.date(1975, 9, 3), "Marbot", "submitted"),
    DemoNominee("17.05.02.1010", 9003, "Siti Khadijah", "P", dt.date(1982, 1, 21), "Marbot", "draft"),
]


def demo_bodies_load(programme: Programme) -> NominatingBody:
    """Kemenag Seluma, accepted by the demo programme with DEMO_BODY_QUOTA places, its officer
    (DEMO_BODY_OFFICER, one of DEMO_USERS) bound to it, and three marbot, two of them sent to the
    regency. Made through the services, as the regency admin and the body's officer would; a second
    run changes nothing."""
    seluma = programme.regency
    admin = User.objects.get(username="admin.seluma")
    body = NominatingBody.objects.filter(regency=seluma, name=DEMO_BODY_NAME).first()
    if body is None:
        body = body_services.nominating_body_create(regency=seluma, name=DEMO_BODY_NAME,
                                                    kind=BodyKind.RELIGIOUS_AFFAIRS, created_by=admin)
    if not ProgrammeBody.objects.filter(programme=programme, body=body).exists():
        body_services.programme_body_set(programme=programme, body=body, quota=DEMO_BODY_QUOTA, changed_by=admin)
    officer = User.objects.get(username=DEMO_BODY_OFFICER)  # one of DEMO_USERS, made by demo_load
    BodyOfficer.objects.update_or_create(user=officer, defaults={"body": body})
    if Nominee.objects.filter(programme=programme, nominating_body=body).exists():
        return body
    today = dt.date.today()
    day = min(max(today, programme.nomination_opens), programme.nomination_closes)
    marbot = OccupationCategory.objects.get(name="Marbot")
    for demo in DEMO_MARBOTS:
        village = Village.objects.select_related("subdistrict").get(code=demo.village_code)
        check = check_nominee(programme=programme, village=village, nik=demo_nik(demo, demo.birth_date),
                              kk=demo_kk(demo), birth_date=demo.birth_date, sex=demo.sex, phone="")
        services.nominee_create(
            programme=programme, village=village, created_by=officer, nominating_body=body, today=day,
            nik=check.nik, nik_hash=check.nik_hash, kk=check.kk, phone=check.phone,
            confirmed_warnings=check.warning_codes, full_name=demo.full_name, birth_place="Seluma",
            birth_date=demo.birth_date, sex=demo.sex, address=f"Masjid Jalan Desa {village.name}",
            rt=f"{demo.serial % 5 + 1:03d}", rw="001", postal_code=village.postal_code or "", occupation=marbot,
        )
        if demo.status == "draft":
            continue
        if demo is DEMO_MARBOTS[1]:  # the last one to be sent: the body sends its list once
            body_services.body_list_submit(programme=programme, body=body, submitted_by=officer, today=day)
    return body
