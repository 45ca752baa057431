"""URLs of copies, imports and exports, under /o/<slug>/."""

from django.urls import path

from transfers import import_views, views

urlpatterns = [
    path("copies/", views.copy_list, name="copy_list"),
    path("copies/preview/", views.copy_preview, name="copy_preview"),
    path("copies/<int:pk>/", views.copy_job_detail, name="copy_job_detail"),
    path("export/<slug:kind>.<slug:fmt>", import_views.export, name="directory_export"),
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/run/", import_views.import_run, name="import_run"),
    path("imports/<int:pk>/revert/", import_views.import_revert, name="import_revert"),
    path("imports/<int:pk>/errors.csv", import_views.import_errors, name="import_errors"),
]
