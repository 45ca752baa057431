"""URLs of copies between organizations, under /o/<slug>/."""

from django.urls import path

from transfers import views

urlpatterns = [
    path("copies/", views.copy_list, name="copy_list"),
    path("copies/preview/", views.copy_preview, name="copy_preview"),
    path("copies/<int:pk>/", views.copy_job_detail, name="copy_job_detail"),
]
