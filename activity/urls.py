"""URLs of activities under /o/<slug>/activities/ (the calendar feed is outside /o/)."""

from django.urls import path

from activity import views

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<int:pk>/done/", views.activity_done, name="activity_done"),
    path("kinds/", views.kind_list, name="activity_kind_list"),
    path("kinds/<int:pk>/rename/", views.kind_rename, name="activity_kind_rename"),
    path("kinds/<int:pk>/delete/", views.kind_delete, name="activity_kind_delete"),
    path("calendar/", views.calendar_settings, name="activity_calendar"),
]

feed_urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="activity_feed"),
]
