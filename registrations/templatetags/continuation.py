"""{% continuation_notice programme village can_edit %}: on the village page, the officer of a
village whose programme continues a previous one is led to the confirmation page, with how many
members still await it (one query; nothing for a programme that continues nobody)."""

from django import template

from registrations.continuation import members_awaiting

register = template.Library()


@register.inclusion_tag("registrations/includes_continuation_notice.html")
def continuation_notice(programme, village, can_edit):
    if programme is None or programme.continues_from_id is None or not can_edit:
        return {"show": False}
    return {"show": True, "programme": programme, "village": village,
            "awaiting": members_awaiting(programme, village).count()}
