"""URLs of projects (with their tasks), tickets and connections, under /o/<slug>/."""

from django.urls import include, path

from connections import views

task_urlpatterns = [
    path("new/", views.task_create, name="task_create"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("<int:pk>/status/", views.task_status, name="task_status"),
]

project_urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("assign-client/", views.project_assign_client, name="project_assign_client"),
    path("autocomplete/", views.project_autocomplete, name="project_autocomplete"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("<int:project_pk>/tasks/", include(task_urlpatterns)),
]

ticket_urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/edit/", views.ticket_edit, name="ticket_edit"),
    path("<int:pk>/delete/", views.ticket_delete, name="ticket_delete"),
    path("<int:pk>/status/", views.ticket_status, name="ticket_status"),
]

connection_urlpatterns = [
    path("new/", views.connection_add, name="connection_add"),
    path("autocomplete/", views.connection_autocomplete, name="connection_autocomplete"),
    path("<int:pk>/remove/", views.connection_remove, name="connection_remove"),
]

urlpatterns = [
    path("projects/", include(project_urlpatterns)),
    path("tickets/", include(ticket_urlpatterns)),
    path("connections/", include(connection_urlpatterns)),
]
