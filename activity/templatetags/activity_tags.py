"""{% load activity_tags %}: the "Upcoming activities" section of record pages."""

from django import template

from activity.sections import Section, section_of

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_activities(context, record) -> Section:
    """`{% upcoming_activities contact as section %}`: one query, whatever the number.

    `record` must be the record of the page, which came from its `visible_to` door.
    """
    return section_of(context["request"], record)
