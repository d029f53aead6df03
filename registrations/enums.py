from django.db import models
from django.utils.translation import gettext_lazy as _


class NomineeStatus(models.TextChoices):
    """DOMAIN.md §7: the lifecycle of a nomination."""

    DRAFT = "draft", _("draf")
    SUBMITTED = "submitted", _("dikirim ke kabupaten")
    VERIFIED = "verified", _("terverifikasi")
    RETURNED = "returned", _("dikembalikan untuk diperbaiki")
    REJECTED = "rejected", _("ditolak")
    APPROVED = "approved", _("disetujui")
    SENT_TO_BPJS = "sent_to_bpjs", _("dikirim ke BPJS")
    REGISTERED = "registered", _("terdaftar di BPJS")
    REFUSED_BY_BPJS = "refused_by_bpjs", _("ditolak BPJS")
    ACTIVE = "active", _("aktif")
    # DOMAIN.md §9: after the paid period ("masa iur s.d.") the member is in arrears; after more
    # than the grace period unpaid (membership.rules) the membership lapses until paid again.
    ARREARS = "arrears", _("menunggak")
    LAPSED = "lapsed", _("tidak aktif (lewat masa tenggang)")
    ENDED = "ended", _("berhenti")


# A nomination in one of these holds its NIK (one person, one active nomination) and a quota place.
# Rejected, refused by BPJS and ended nominations free both, so the village may replace them.
INACTIVE_STATES = frozenset({NomineeStatus.REJECTED, NomineeStatus.REFUSED_BY_BPJS, NomineeStatus.ENDED})
ACTIVE_STATES = frozenset(set(NomineeStatus) - INACTIVE_STATES)
# The village officer may still change these; everything later is locked.
EDITABLE_STATES = frozenset({NomineeStatus.DRAFT, NomineeStatus.RETURNED})
# The nominative list (daftar nominatif) a village head or the office signs: sent to the regency and
# still in the running, or a member. Not drafts (never sent), not returned ones (back at the village
# for correction: they reappear when sent again), not rejected, refused by BPJS or ended.
NOMINATIVE_LIST_STATES = ACTIVE_STATES - EDITABLE_STATES
# Registered with BPJS and not ended: the members whose status follows their payment (DOMAIN.md §9,
# membership.services.memberships_update and BPJS's participant file).
MEMBER_STATES = frozenset({NomineeStatus.REGISTERED, NomineeStatus.ACTIVE, NomineeStatus.ARREARS,
                           NomineeStatus.LAPSED})
# Members a later programme may continue (registrations.continuation): registered with BPJS and not
# ended, whatever their payment: the new stage's funding takes the membership over (same KPJ).
CONTINUABLE_STATES = MEMBER_STATES


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class FundingSource(models.TextChoices):
    APBD = "apbd", "APBD"
    APBD_P = "apbd_p", "APBD-P"
    APBDES = "apbdes", "APBDes"
    DANA_DESA = "dana_desa", _("Dana Desa")
    CSR = "csr", "CSR"
    OTHER = "other", _("Lainnya")


class BpjsFundingCode(models.TextChoices):
    """The collective ("wadah") code BPJS records government-funded vulnerable workers under."""

    SG = "SG", _("SG — pemerintah kabupaten/kota atau provinsi")
    SA = "SA", _("SA — desa, dana APBD")
    SD = "SD", _("SD — desa, dana APBDes")
    SL = "SL", _("SL — desa, dana lain")


class QuotaRule(models.TextChoices):
    PER_VILLAGE = "per_village", _("N orang per desa/kelurahan")
    REGENCY_TOTAL = "regency_total", _("Satu jumlah untuk seluruh kabupaten/kota")
    NONE = "none", _("Tanpa kuota")


class DataSource(models.TextChoices):
    DTSEN = "dtsen", "DTSEN"
    DTKS = "dtks", "DTKS"
    P3KE = "p3ke", "P3KE"
    VILLAGE = "usulan_desa", _("Usulan desa")


class MonthsPaid(models.IntegerChoices):
    ONE = 1, _("1 bulan")
    THREE = 3, _("3 bulan")
    SIX = 6, _("6 bulan")
    TWELVE = 12, _("12 bulan")


class Action(models.TextChoices):
    """What a person does to a nominee; workflow.ACTION_TARGETS maps each to the status it leads to."""

    SUBMIT = "submit", _("kirim ke kabupaten")
    VERIFY = "verify", _("verifikasi")
    APPROVE = "approve", _("setujui")
    RETURN = "return", _("kembalikan ke desa")
    REJECT = "reject", _("tolak")
    REOPEN = "reopen", _("buka kembali")
    SEND_TO_BPJS = "send_to_bpjs", _("catat dikirim ke BPJS")
    REGISTER = "register", _("catat terdaftar di BPJS")
    REFUSE_BY_BPJS = "refuse_by_bpjs", _("catat ditolak BPJS")
    ACTIVATE = "activate", _("catat aktif")
    FALL_INTO_ARREARS = "arrears", _("catat menunggak")
    LAPSE = "lapse", _("catat tidak aktif")
    END = "end", _("hentikan kepesertaan")
    CONFIRM_CONTINUATION = "confirm_continuation", _("konfirmasi kelanjutan oleh desa")


class ReviewReason(models.TextChoices):
    """Why the regency returns or rejects a nominee (chosen from the list, plus free text)."""

    NIK_MISMATCH = "nik_mismatch", _("NIK tidak sesuai KTP/KK")
    KK_MISMATCH = "kk_mismatch", _("Nomor KK tidak sesuai kartu keluarga")
    DATA_INCOMPLETE = "data_incomplete", _("Data belum lengkap atau tidak terbaca")
    AGE = "age", _("Usia di luar batas program")
    NOT_RESIDENT = "not_resident", _("Bukan warga desa/kelurahan ini")
    ALREADY_COVERED = "already_covered", _("Sudah peserta BPJS Ketenagakerjaan")
    NOT_VULNERABLE = "not_vulnerable", _("Bukan pekerja rentan (berpenghasilan tetap/penerima upah)")
    DUPLICATE = "duplicate", _("Terdaftar ganda")
    OTHER = "other", _("Lainnya")


class EndReason(models.TextChoices):
    """DOMAIN.md §7: why a membership ends."""

    DIED = "died", _("Meninggal dunia")
    MOVED = "moved", _("Pindah domisili")
    TURNED_65 = "turned_65", _("Berusia 65 tahun")
    WAGED = "waged", _("Menjadi pekerja penerima upah")
    REPLACED = "replaced", _("Diganti peserta lain")
    # The village's confirmation of a continuing programme (registrations.continuation).
    CONTINUED = "continued", _("Dilanjutkan di program berikutnya")
    DECLINED = "declined", _("Menolak melanjutkan kepesertaan")


# Why a member of the previous programme leaves when the village confirms a continuation: what the
# village knows (moved, died, now waged with an employer who registers them, declined, turned 65).
LEAVING_REASONS = (EndReason.MOVED, EndReason.DIED, EndReason.WAGED, EndReason.DECLINED, EndReason.TURNED_65)



class BodyKind(models.TextChoices):
    """What kind of office or institution nominates beside the villages (lembaga pengusul, DOMAIN §9)."""

    ELECTION = "election", _("Penyelenggara pemilu (KPPS/PPS/PPK ad hoc)")
    RELIGIOUS_AFFAIRS = "religious", _("Kantor Kementerian Agama (marbot, guru ngaji)")
    HEALTH = "health", _("Dinas Kesehatan (kader kesehatan)")
    OTHER = "other", _("Lembaga lain")
