from django.contrib import admin
from django.urls import include, path

from activity import urls as activity_urls
from config import views
from organizations import urls as organization_urls
from organizations.views import home

# A database that cannot be reached answers 503 with a static page (config/outage.py).
handler500 = "config.outage.server_error_or_unavailable"
handler400 = "config.outage.bad_request_or_unavailable"

tenant_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    *organization_urls.tenant_urlpatterns,
    path("contacts/", include("contacts.urls")),
    path("companies/", include("companies.urls")),
    path("", include("attachments.urls")),
    path("", include("connections.urls")),
    path("", include("transfers.urls")),
    path("activities/", include(activity_urls.urlpatterns)),
    path("", include("timeline.urls")),
    path("", include("history.urls")),
    path("", include("notes.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("sales/", include("sales.urls")),
    path("trash/", include("trash.urls")),
    path("", include("merging.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include(organization_urls.account_urlpatterns)),
    path("orgs/", include(organization_urls.organization_urlpatterns)),
    path("invitations/", include(organization_urls.invitation_urlpatterns)),
    # A calendar app fetches the feed without a session: the secret token is the key.
    path("calendar/", include(activity_urls.feed_urlpatterns)),
    path("o/<slug:slug>/", include(tenant_urlpatterns)),
]
