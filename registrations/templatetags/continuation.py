"""The continuation's short blocks on shared pages (registrations.continuation):
- {% continuation_notice programme village can_edit %}: on the village page, the officer of a
  village whose programme continues a previous one is led to the confirmation page, with how many
  members still await it (one query; nothing for a programme that continues nobody);
- {% continuation_facts programme %}: on the programme page, which programme it continues and how
  many members its villages confirmed or have yet to confirm (two queries; nothing otherwise)."""

from django import template

from registrations.continuation import continuation_counts, members_awaiting

register = template.Library()


@register.inclusion_tag("registrations/includes_continuation_notice.html")
def continuation_notice(programme, village, can_edit):
    if programme is None or programme.continues_from_id is None or not can_edit:
        return {"show": False}
    return {"show": True, "programme": programme, "village": village,
            "awaiting": members_awaiting(programme, village).count()}


@register.inclusion_tag("registrations/includes_continuation_facts.html")
def continuation_facts(programme):
    if programme.continues_from_id is None:
        return {"show": False}
    return {"show": True, "programme": programme, "counts": continuation_counts(programme)}
