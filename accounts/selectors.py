from django.db.models import Q, QuerySet

from villages.models import Regency

from .models import User


def users_of_regency(regency: Regency) -> QuerySet[User]:
    """Accounts working in the regency: assigned to it or to one of its villages."""
    return (
        User.objects.filter(
            Q(region_assignments__regency=regency)
            | Q(region_assignments__village__subdistrict__regency=regency)
        )
        .distinct()
        .order_by("role", "username")
    )
