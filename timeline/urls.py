from django.urls import path

from timeline import views

urlpatterns = [
    path("contacts/<int:pk>/timeline/", views.contact_timeline, name="contact_timeline"),
    path("companies/<int:pk>/timeline/", views.company_timeline, name="company_timeline"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
