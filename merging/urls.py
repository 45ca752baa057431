"""URLs of duplicates and merges, under /o/<slug>/."""

from django.urls import path

from merging import views

urlpatterns = [
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("merge/<str:kind>/", views.merge_records, name="merge_records"),
    path("merges/", views.merge_list, name="merge_list"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
]
