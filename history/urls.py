from django.urls import path

from history import views

urlpatterns = [
    path("contacts/<int:pk>/history/", views.contact_history, name="contact_history"),
    path(
        "contacts/<int:pk>/history/<int:change_pk>/restore/",
        views.contact_restore,
        name="contact_history_restore",
    ),
    path("companies/<int:pk>/history/", views.company_history, name="company_history"),
    path(
        "companies/<int:pk>/history/<int:change_pk>/restore/",
        views.company_restore,
        name="company_history_restore",
    ),
    path("projects/<int:pk>/history/", views.project_history, name="project_history"),
]
