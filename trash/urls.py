"""URLs of the trash, under /o/<slug>/trash/."""

from django.urls import path

from trash import views

urlpatterns = [
    path("", views.trash_list, name="trash_list"),
    path("<int:pk>/restore/", views.trash_restore, name="trash_restore"),
    path("<int:pk>/delete/", views.trash_delete, name="trash_delete"),
]
