"""Template filters of membership: what a member in arrears or lapsed owes, as of today."""

from django import template

from common.formatting import format_date
from registrations.enums import NomineeStatus as S

from .. import rules

register = template.Library()


@register.filter
def unpaid_note(nominee) -> str:
    """ "Menunggak sejak 15 Juni 2026: 2 bulan belum dibayar" for a member in arrears or lapsed
    (today's count, not the one written when the status changed); "" for anyone else. No query:
    the village list shows it on every such row."""
    if nominee.status not in (S.ARREARS, S.LAPSED) or nominee.paid_until is None:
        return ""
    since = format_date(rules.add_days(nominee.paid_until, 1))
    months = rules.months_unpaid(nominee.paid_until, rules.membership_today())
    lead = "Menunggak" if nominee.status == S.ARREARS else "Tidak aktif; menunggak"
    return f"{lead} sejak {since}: {months} bulan belum dibayar (masa iur s.d. {format_date(nominee.paid_until)})."
