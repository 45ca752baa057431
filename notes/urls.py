"""Notes under /o/<slug>/notes/ and each record's list of notes."""

from django.urls import path

from notes import views

urlpatterns = [
    path("notes/new/", views.note_create, name="note_create"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("notes/<int:pk>/pin/", views.note_pin, name="note_pin"),
    path("notes/<int:pk>/revisions/", views.note_revisions, name="note_revisions"),
    path(
        "contacts/<int:pk>/notes/",
        views.record_note_list,
        {"kind": "contact"},
        name="contact_notes",
    ),
    path(
        "companies/<int:pk>/notes/",
        views.record_note_list,
        {"kind": "company"},
        name="company_notes",
    ),
    path(
        "projects/<int:pk>/notes/",
        views.record_note_list,
        {"kind": "project"},
        name="project_notes",
    ),
]
