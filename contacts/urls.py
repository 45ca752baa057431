from django.urls import path

from contacts import views

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("new/", views.contact_edit, name="contact_create"),
    path("autocomplete/", views.contact_autocomplete, name="contact_autocomplete"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/row/", views.contact_row, name="contact_row"),
]
