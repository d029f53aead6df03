"""The demo scenario `make demo` loads: Seluma's real regions, one user per role, and an open
Seluma programme with sample nominees in every state of the lifecycle (DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.enums import Role
from accounts.models import RegionAssignment, User
from demo.claims import demo_claims_load
from demo.budget import demo_budget_load
from demo.continuation import demo_continuation_load
from villages.loader import load_regions
from villages.models import Province, Regency, Village
from villages.services import regency_settings_ensure

from .memberships import demo_memberships_load

DEMO_REGENCY_CODE = "17.05"  # Kabupaten Seluma, Bengkulu
DEMO_PASSWORD = "demo-jamsostek"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    full_name: str
    region_code: str | None


DEMO_USERS = [
    DemoUser("admin", Role.SYSTEM_ADMIN, "Administrator Sistem", None),
    DemoUser("admin.seluma", Role.REGENCY_ADMIN, "Rahmat Hidayat", "17.05"),
    DemoUser("verifikator.seluma", Role.REGENCY_REVIEWER, "Sri Wahyuni", "17.05"),
    DemoUser("penyetuju.seluma", Role.REGENCY_APPROVER, "Bambang Irawan", "17.05"),
    DemoUser("bupati.seluma", Role.REGENCY_VIEWER, "Staf Kantor Bupati", "17.05"),
    DemoUser("bpjs.seluma", Role.BPJS_OFFICER, "Petugas BPJS Kacab Bengkulu", "17.05"),
    DemoUser("provinsi.bengkulu", Role.PROVINCE_VIEWER, "Staf Pemprov Bengkulu", "17"),
    # Two neighbouring desa of Kecamatan Sukaraja: an officer and the neighbouring village's officer.
    DemoUser("op-1705012002", Role.VILLAGE_OFFICER, "Operator Desa Niur", "17.05.01.2002"),
    DemoUser("op-1705012003", Role.VILLAGE_OFFICER, "Operator Desa Lubuk Sahung", "17.05.01.2003"),
    # Two more villages with sample nominees further along (BPJS registration, active, lapsed …).
    DemoUser("op-1705021010", Role.VILLAGE_OFFICER, "Operator Kelurahan Pasar Tais", "17.05.02.1010"),
    DemoUser("op-1705032002", Role.VILLAGE_OFFICER, "Operator Desa Napal Melintang", "17.05.03.2002"),
    # A nominating body's officer (lembaga pengusul): Kemenag Seluma's marbot (demo/bodies.py).
    DemoUser("lembaga.kemenag.seluma", Role.INSTITUTION_OFFICER, "Operator Kemenag Seluma", "17.05"),
]


def _region(code: str | None):
    if code is None:
        return None
    model = {1: Province, 2: Regency, 4: Village}[code.count(".") + 1]
    return model.objects.get(code=code)


@transaction.atomic
def demo_load() -> list[DemoUser]:
    """Loads Seluma and the demo users (password DEMO_PASSWORD). Safe to run again: it puts the
    demo users back as they were. Refuses to run in production."""
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured("load_demo membuat akun dengan kata sandi umum: tidak boleh di produksi.")
    load_regions([DEMO_REGENCY_CODE])
    seluma = Regency.objects.get(code=DEMO_REGENCY_CODE)
    office = regency_settings_ensure(regency=seluma)
    if not office.head_name:
        office.head_name = "Drs. Kepala Dinas Contoh"
        office.save()
    for demo in DEMO_USERS:
        first_name, _, last_name = demo.full_name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "role": demo.role, "first_name": first_name, "last_name": last_name, "is_active": True,
                "must_change_password": False, "is_staff": demo.role == Role.SYSTEM_ADMIN,
                "is_superuser": demo.role == Role.SYSTEM_ADMIN,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.region_assignments.all().delete()
        region = _region(demo.region_code)
        if region is not None:
            field = {Province: "province", Regency: "regency", Village: "village"}[type(region)]
            RegionAssignment.objects.create(user=user, **{field: region})
    from common.events import collected
    from demo.bodies import demo_bodies_load

    with collected():  # one coverage recompute for the whole demo, not one per nominee
        programme = demo_programme_load(seluma)
        demo_memberships_load(seluma)
        demo_claims_load(seluma)  # demo/claims.py: a JKM claim after a death, a JKK claim
        demo_bodies_load(programme)
    demo_coverage_load(seluma)
    # Tahap II (demo/continuation.py), before the bills count the first stage's members.
    demo_continuation_load(seluma, programme_name=DEMO_PROGRAMME_NAME, admin_username="admin.seluma")
    demo_budget_load(seluma, programme_name=DEMO_PROGRAMME_NAME, admin_username="admin.seluma")
    return DEMO_USERS


def demo_coverage_load(seluma: Regency) -> None:
    """The year's UCJ target and four monthly official figures for Seluma and for its province,
    Bengkulu (made-up numbers of a plausible size, growing as the BPU segment grows), each computed
    on the day after it arrived and again today, so the regency's and the province's dashboards
    have a trend to draw. Upserts: a rerun writes the same values."""
    from decimal import Decimal

    from reports import coverage
    from reports import services as coverage_services

    admin = User.objects.get(username="admin.seluma")
    system_admin = User.objects.get(username="admin")  # a province's figures are the system administrator's
    bengkulu = seluma.province
    today = coverage.coverage_today()  # the regency's day, as the recompute counts it
    coverage_services.coverage_target_set(
        region=seluma, year=today.year, target_percent=Decimal("35.00"), working_population=104_000,
        population_source="BPS Sakernas Agustus (contoh)", entered_by=admin)
    coverage_services.coverage_target_set(
        region=bengkulu, year=today.year, target_percent=Decimal("40.00"), working_population=1_050_000,
        population_source="BPS Sakernas Agustus (contoh)", entered_by=system_admin)
    for days_ago, active_bpu, published in DEMO_OFFICIAL_BPU:
        as_of = today - dt.timedelta(days=days_ago)
        coverage_services.official_figure_record(
            region=seluma, as_of=as_of, active_pu=19_250, active_bpu=active_bpu, active_jakon=1_140,
            active_pmi=85, denominator=104_000, published_percent=Decimal(published),
            source_document="Laporan BPJS Ketenagakerjaan Cabang Bengkulu (contoh)", entered_by=admin)
        coverage_services.official_figure_record(  # the province: ten times Seluma's BPU, the rest as it is
            region=bengkulu, as_of=as_of, active_pu=231_000, active_bpu=10 * active_bpu, active_jakon=13_700,
            active_pmi=1_020, denominator=1_050_000,
            source_document="Laporan BPJS Ketenagakerjaan Kanwil Sumbagsel (contoh)", entered_by=system_admin)
        coverage.recompute_regency(seluma.pk, on=as_of + dt.timedelta(days=1))
    coverage.recompute_regency(seluma.pk)


# (days before today, active BPU participants, the UCJ % BPJS published) of the demo's official figures.
DEMO_OFFICIAL_BPU = [(120, 6_050, "25.50"), (90, 6_900, "26.32"), (60, 7_640, "27.03"), (30, 8_310, "27.68")]


# --- The demo programme and its nominees ----------------------------------------------------------

DEMO_PROGRAMME_NAME = "Perlindungan Pekerja Rentan 2026"


@dataclass(frozen=True)
class DemoNominee:
    village_code: str
    serial: int  # the NIK's last four digits; unique across the demo, so every NIK differs
    full_name: str
    sex: str  # "L" / "P", as the officer entered it
    birth_date: dt.date | None  # None: computed from the programme, see reaches_age_limit_after_months
    occupation: str
    status: str
    reason: str = ""
    reason_code: str = ""  # registrations.enums.ReviewReason / EndReason, where the step needs one
    phone: str = ""
    # The sex the NIK encodes, when it differs from the form (a NIK warning the officer confirmed).
    nik_sex: str = ""
    # The NIK warnings (nik.check_nik codes) the officer confirmed; the demo checks they are exactly
    # what check_nominee gives.
    confirmed_warnings: tuple[str, ...] = ()
    # Born so that the person reaches the programme's upper age limit this many months after the
    # coverage start (checks.ReviewFlag.AGE_LIMIT); the dates move with the programme.
    reaches_age_limit_after_months: int | None = None


# The way each final state is reached: the village submits (workflow.nominee_submit, through
# services.village_list_submit), then the regency and BPJS steps, each through
# workflow.nominee_decide as the person whose job it is (sending: through an export batch). Each
# step: (action, who acts: a DEMO_USERS username); the last step carries the nominee's reason.
_REVIEWER, _APPROVER, _ADMIN, _BPJS = "verifikator.seluma", "penyetuju.seluma", "admin.seluma", "bpjs.seluma"
# Sending is not a decision on one nominee: it is the village's export batch (demo_programme_load).
_SEND = ("send_to_bpjs", _ADMIN)
_BEFORE_BPJS = [("verify", _REVIEWER), ("approve", _APPROVER), _SEND]
_AFTER_SUBMIT = {
    "submitted": [],
    "verified": [("verify", _REVIEWER)],
    "returned": [("return", _REVIEWER)],
    "rejected": [("reject", _REVIEWER)],
    "approved": [("verify", _REVIEWER), ("approve", _APPROVER)],
    "sent_to_bpjs": _BEFORE_BPJS,
    "registered": [*_BEFORE_BPJS, ("register", _BPJS)],
    "refused_by_bpjs": [*_BEFORE_BPJS, ("refuse_by_bpjs", _BPJS)],
    "active": [*_BEFORE_BPJS, ("register", _BPJS), ("activate", _BPJS)],
    "lapsed": [*_BEFORE_BPJS, ("register", _BPJS), ("activate", _BPJS), ("lapse", _BPJS)],
    "ended": [*_BEFORE_BPJS, ("register", _BPJS), ("activate", _BPJS), ("end", _ADMIN)],
}

_D = dt.date
DEMO_NOMINEES = [
    # Desa Niur, the demo officer's village: 7 of its 10 places taken, one returned, one rejected.
    DemoNominee("17.05.01.2002", 1, "Ahmad Fauzi", "L", _D(1984, 3, 12), "Petani", "draft", phone="081234560001"),
    DemoNominee("17.05.01.2002", 2, "Sumarni", "P", _D(1979, 8, 23), "Buruh tani", "draft"),
    DemoNominee("17.05.01.2002", 3, "Darmawan", "L", _D(1990, 1, 5), "Nelayan", "returned",
                "Nomor KK tidak sama dengan foto kartu keluarga. Periksa lagi, lalu kirim ulang.", "kk_mismatch"),
    DemoNominee("17.05.01.2002", 4, "Yuliana", "P", _D(1987, 11, 30), "Pedagang kecil/keliling", "submitted",
                phone="085267890004"),
    DemoNominee("17.05.01.2002", 5, "Rusdi", "L", _D(1972, 6, 17), "Buruh harian lepas", "submitted"),
    DemoNominee("17.05.01.2002", 6, "Hendra Saputra", "L", _D(1995, 9, 9), "Ojek", "verified"),
    DemoNominee("17.05.01.2002", 7, "Marlina", "P", _D(1983, 4, 2), "Kader posyandu", "approved"),
    DemoNominee("17.05.01.2002", 8, "Suparman", "L", _D(1976, 12, 14), "Buruh tani", "rejected",
                "Terdaftar sebagai karyawan perusahaan sawit (PU).", "already_covered"),
    # Desa Lubuk Sahung, the neighbour: a list waiting in the reviewer's queue.
    DemoNominee("17.05.01.2003", 9, "Siti Rohani", "P", _D(1981, 2, 18), "Petani", "submitted"),
    DemoNominee("17.05.01.2003", 10, "Bambang Sutrisno", "L", _D(1969, 7, 7), "Tukang becak", "submitted"),
    DemoNominee("17.05.01.2003", 11, "Eka Pratiwi", "P", _D(1998, 10, 21), "Guru ngaji", "submitted"),
    DemoNominee("17.05.01.2003", 12, "Joni Iskandar", "L", _D(1986, 5, 28), "Juru parkir", "verified"),
    DemoNominee("17.05.01.2003", 13, "Nurhayati", "P", _D(1974, 3, 3), "Pemulung", "returned",
                "Umur di KTP dan di formulir berbeda; cocokkan tanggal lahir dengan KTP.", "data_incomplete"),
    # Two for the reviewer's checks: the NIK says male, the form says female (the officer confirmed
    # the warning), and a man who turns 65 six months into the coverage.
    DemoNominee("17.05.01.2003", 26, "Rosmawati", "P", _D(1982, 9, 14), "Buruh tani", "submitted", nik_sex="L",
                confirmed_warnings=("nik_sex_mismatch",)),
    DemoNominee("17.05.01.2003", 27, "Sukardi", "L", None, "Petani", "submitted",
                reaches_age_limit_after_months=6),
    # Kelurahan Pasar Tais: a list that has been through BPJS.
    DemoNominee("17.05.02.1010", 14, "Agus Salim", "L", _D(1980, 8, 17), "Sopir", "sent_to_bpjs"),
    DemoNominee("17.05.02.1010", 15, "Rina Marlina", "P", _D(1991, 12, 1), "Pedagang kecil/keliling", "registered"),
    DemoNominee("17.05.02.1010", 16, "Zulkifli", "L", _D(1975, 4, 25), "Marbot", "refused_by_bpjs",
                "BPJS: NIK sudah terdaftar sebagai peserta BPU aktif."),
    DemoNominee("17.05.02.1010", 17, "Dewi Lestari", "P", _D(1988, 6, 6), "Buruh harian lepas", "active",
                phone="081377770017"),
    DemoNominee("17.05.02.1010", 18, "Supriyadi", "L", _D(1970, 9, 19), "Ojek", "active"),
    DemoNominee("17.05.02.1010", 19, "Hasanudin", "L", _D(1968, 1, 30), "Ketua RT/RW", "lapsed",
                "Iuran belum dibayar lebih dari 3 bulan."),
    DemoNominee("17.05.02.1010", 20, "Sarmini", "P", _D(1973, 11, 11), "Pemulung", "ended",
                "Pindah ke luar kabupaten.", "moved"),
    # Desa Napal Melintang.
    DemoNominee("17.05.03.2002", 21, "Rahmad Hidayat", "L", _D(1993, 2, 14), "Nelayan", "submitted"),
    DemoNominee("17.05.03.2002", 22, "Fitriani", "P", _D(1996, 7, 31), "Pekerja disabilitas", "submitted"),
    DemoNominee("17.05.03.2002", 23, "Syamsul Bahri", "L", _D(1977, 10, 10), "Petani", "approved"),
    DemoNominee("17.05.03.2002", 24, "Ani Suryani", "P", _D(1985, 3, 27), "Buruh tani", "active"),
    DemoNominee("17.05.03.2002", 25, "Mulyadi", "L", _D(1971, 5, 5), "Lainnya", "rejected",
                "Pegawai honorer dengan upah tetap.", "not_vulnerable"),
]


def demo_birth_date(nominee: DemoNominee, *, coverage_start: dt.date, max_age_exclusive: int = 65) -> dt.date:
    """The nominee's birth date; for one who reaches the age limit N months into the coverage, the
    day they turn `max_age_exclusive` is N months after `coverage_start` (so they are still below
    it at the start)."""
    if nominee.reaches_age_limit_after_months is None:
        return nominee.birth_date
    month = coverage_start.month - 1 + nominee.reaches_age_limit_after_months
    birthday = coverage_start.replace(year=coverage_start.year + month // 12, month=month % 12 + 1,
                                      day=min(coverage_start.day, 28))
    return birthday.replace(year=birthday.year - max_age_exclusive)


def demo_nik(nominee: DemoNominee, birth_date: dt.date) -> str:
    """A structurally valid Seluma NIK: 1705 + the village's subdistrict + birth date (day + 40 for
    women) + serial. Fake people: the NIK is made up, the region and date are consistent."""
    subdistrict = nominee.village_code.split(".")[2]
    day = birth_date.day + (40 if (nominee.nik_sex or nominee.sex) == "P" else 0)
    return f"1705{subdistrict}{day:02d}{birth_date:%m}{birth_date:%y}{nominee.serial:04d}"


def demo_kk(nominee: DemoNominee) -> str:
    """A 16-digit KK: issuing subdistrict, a date, a serial (never 0000)."""
    subdistrict = nominee.village_code.replace(".", "")[:6]
    return f"{subdistrict}150320{nominee.serial:04d}"


def demo_programme_load(seluma: Regency):
    """Creates the open demo programme and its sample nominees, once. Nominees are created through
    services.nominee_create as their village's officer and submitted through
    services.village_list_submit; later states are reached through workflow.nominee_decide by the
    demo user whose job each step is (sending: one services.export_batch_create per village), so
    the timelines are real ones. A village that already has demo nominees is left alone, so a
    second run changes nothing. Returns the programme."""
    # Imported here: registrations depends on accounts, not the other way round.
    from bpjs import services as bpjs_services
    from registrations import services, workflow
    from registrations.enums import BpjsFundingCode, FundingSource, QuotaRule
    from registrations.models import Nominee, OccupationCategory, Programme
    from registrations.validation import check_nominee

    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])}
    today = dt.date.today()
    programme = Programme.objects.filter(regency=seluma, name=DEMO_PROGRAMME_NAME).first()
    if programme is None:
        next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        programme = services.programme_create(
            regency=seluma, created_by=users["admin.seluma"], name=DEMO_PROGRAMME_NAME, year=2026, stage=1,
            legal_basis="Perbup Seluma Nomor 15 Tahun 2025 (contoh)", implementing_office="",
            funding_source=FundingSource.APBD, bpjs_funding_code=BpjsFundingCode.SG, includes_jht=False,
            income_tier=1_000_000, months_paid=3, coverage_start=next_month,
            nomination_opens=today - dt.timedelta(days=14), nomination_closes=today + dt.timedelta(days=30),
            min_age=18, max_age_exclusive=65, quota_rule=QuotaRule.PER_VILLAGE, quota_per_village=10,
            quota_total=None, requires_minutes=False,
        )
    # The services refuse entries outside the window; a rerun weeks later still sees an open day.
    day = min(max(today, programme.nomination_opens), programme.nomination_closes)
    occupations = {o.name: o for o in OccupationCategory.objects.all()}
    officers = {d.region_code: users[d.username] for d in DEMO_USERS if d.role == Role.VILLAGE_OFFICER}

    by_village: dict[str, list[DemoNominee]] = {}
    for demo in DEMO_NOMINEES:
        by_village.setdefault(demo.village_code, []).append(demo)
    for village_code, demos in by_village.items():
        village = Village.objects.select_related("subdistrict").get(code=village_code)
        if Nominee.objects.filter(programme=programme, village=village).exists():
            continue
        officer = officers[village_code]

        def create(demo: DemoNominee) -> Nominee:
            birth_date = demo_birth_date(demo, coverage_start=programme.coverage_start,
                                         max_age_exclusive=programme.max_age_exclusive)
            check = check_nominee(programme=programme, village=village, nik=demo_nik(demo, birth_date),
                                  kk=demo_kk(demo), birth_date=birth_date, sex=demo.sex, phone=demo.phone)
            # Warnings only where the demo says the officer confirmed them, as the form would ask.
            if check.errors or check.warning_codes != sorted(demo.confirmed_warnings):
                raise ImproperlyConfigured(f"Demo nominee {demo.full_name}: {check.errors + check.warnings}")
            return services.nominee_create(
                programme=programme, village=village, created_by=officer, today=day,
                nik=check.nik, nik_hash=check.nik_hash, kk=check.kk, phone=check.phone,
                confirmed_warnings=check.warning_codes,
                full_name=demo.full_name, birth_place="Seluma", birth_date=birth_date, sex=demo.sex,
                address=f"Jalan Desa {village.name} No. {demo.serial}", rt=f"{demo.serial % 5 + 1:03d}",
                rw="001", postal_code=village.postal_code or "", occupation=occupations[demo.occupation],
            )

        def run_steps(demo: DemoNominee, nominee: Nominee, steps, *, total: int, start: int = 1) -> None:
            """Steps `start`…`start + len(steps) - 1` of the nominee's `total`; the last carries its reason."""
            for number, (action, actor) in enumerate(steps, start=start):
                last = number == total
                if action == "register":  # BPJS's answer: a made-up 11-digit KPJ, a member since the load day
                    workflow.nominee_register(nominee=nominee, actor=users[actor], kpj_number=f"{demo.serial:011d}",
                                              registered_on=day)
                    continue
                workflow.nominee_decide(nominee=nominee, action=action, actor=users[actor],
                                        reason_code=demo.reason_code if last else "",
                                        reason=demo.reason if last else "")

        # The whole list goes to the regency in one "kirim ke kabupaten", as a village would send it;
        # the drafts are entered afterwards, so they stay drafts.
        sent = [(demo, create(demo)) for demo in demos if demo.status != "draft"]
        if sent:
            services.village_list_submit(programme=programme, village=village, submitted_by=officer, today=day)
        # Those bound for BPJS are approved first and handed over in one export batch for the
        # village (services.export_batch_create, as the regency admin); everyone else's steps and
        # BPJS's answers come after it, so a nominee meant to stay "approved" is not in the batch.
        bpjs_bound = [(demo, nominee) for demo, nominee in sent if _SEND in _AFTER_SUBMIT[demo.status]]
        for demo, nominee in bpjs_bound:
            steps = _AFTER_SUBMIT[demo.status]
            run_steps(demo, nominee, steps[:steps.index(_SEND)], total=len(steps))
        if bpjs_bound:
            bpjs_services.export_batch_create(programme=programme, created_by=users[_SEND[1]], village=village)
        for demo, nominee in sent:
            steps = _AFTER_SUBMIT[demo.status]
            if _SEND in steps:
                run_steps(demo, nominee, steps[steps.index(_SEND) + 1:], total=len(steps),
                          start=steps.index(_SEND) + 2)
            else:
                run_steps(demo, nominee, steps, total=len(steps))
        for demo in demos:
            if demo.status == "draft":
                create(demo)
    return programme
