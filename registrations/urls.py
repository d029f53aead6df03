"""The nomination and review pages, one room each (mounted under /usulan/ as the `registrations:`
namespace, together with the BPJS pages: jamsostek_portal/urls.py)."""

from .body_list import urls as body_list_urls
from .continuation_status import urls as continuation_status_urls
from .inbox import urls as inbox_urls
from .nominee_import import urls as import_urls
from .programmes import urls as programme_urls
from .review import urls as review_urls
from .village_continuation import urls as continuation_urls
from .village_list import urls as village_list_urls

urlpatterns = (village_list_urls.urlpatterns + programme_urls.urlpatterns + import_urls.urlpatterns
               + review_urls.urlpatterns + inbox_urls.urlpatterns + continuation_urls.urlpatterns
               + body_list_urls.urlpatterns + continuation_status_urls.urlpatterns)
