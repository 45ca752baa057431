from django.urls import path

from companies import views

urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("new/", views.company_edit, name="company_create"),
    path("autocomplete/", views.company_autocomplete, name="company_autocomplete"),
    path("<int:pk>/", views.company_detail, name="company_detail"),
    path("<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("<int:pk>/delete/", views.company_delete, name="company_delete"),
    path("<int:pk>/row/", views.company_row, name="company_row"),
    path("<int:pk>/persons/", views.company_person_add, name="company_person_add"),
    path(
        "<int:pk>/persons/<int:affiliation_pk>/remove/",
        views.company_person_remove,
        name="company_person_remove",
    ),
]
