"""Portal URLs of the reviews, included at /portal/reports/ under the "reports" namespace."""

from django.urls import path

from . import views_review

urlpatterns = [
    path("<int:pk>/comment/", views_review.review_comment, name="review_comment"),
]
