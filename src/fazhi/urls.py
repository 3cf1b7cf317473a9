from django.urls import include, path

from fazhi.api.main import api
from fazhi.enforcement.views.portal import decisions as enforcement_public
from fazhi.ops.views import healthz
from fazhi.review.views.publicity import publicity
from fazhi.web.views.site import favicon

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("admin/calendar/", include("fazhi.workdays.urls")),
    path("account/", include("fazhi.orgs.urls")),
    path("audit/", include("fazhi.audit.urls")),
    path("manage/", include("fazhi.orgs.manage_urls")),
    path("public/publicity/", publicity, name="publicity"),
    path("public/", include("fazhi.decisions.portal_urls")),
    path("public/", include("fazhi.registers.portal_urls")),
    path("registers/", include("fazhi.registers.urls")),
    path("review/", include("fazhi.review.urls")),
    path("", include("fazhi.ledgers.urls")),
    path("", include("fazhi.decisions.urls")),
    path("public/enforcement/", enforcement_public, name="enforcement-public"),
    path("enforcement/", include("fazhi.enforcement.urls")),
    path("reconsideration/", include("fazhi.enforcement.recon_urls")),
    path("", include("fazhi.home.urls")),
    path("", include("fazhi.workplan.urls")),
    path("", include("fazhi.web.urls")),
]

handler400 = "fazhi.web.views.site.bad_request"
handler403 = "fazhi.web.views.site.forbidden"
handler404 = "fazhi.web.views.site.not_found"
handler500 = "fazhi.web.views.site.server_error"
