"""Files under each contact and company page, and the organization's storage page."""

from django.urls import path

from attachments import views

urlpatterns = [
    path("storage/", views.storage, name="storage"),
]

for kind, prefix in (("contact", "contacts"), ("company", "companies")):
    record = {"kind": kind}
    urlpatterns += [
        path(
            f"{prefix}/<int:pk>/files/",
            views.attachment_upload,
            record,
            name=f"{kind}_attachment_upload",
        ),
        path(
            f"{prefix}/<int:pk>/links/",
            views.attachment_link,
            record,
            name=f"{kind}_attachment_link",
        ),
        path(
            f"{prefix}/<int:pk>/files/<int:attachment_pk>/",
            views.attachment_download,
            record,
            name=f"{kind}_attachment_download",
        ),
        path(
            f"{prefix}/<int:pk>/files/<int:attachment_pk>/delete/",
            views.attachment_delete,
            record,
            name=f"{kind}_attachment_delete",
        ),
    ]
