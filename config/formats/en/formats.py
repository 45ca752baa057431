"""English dates as Rolo's readers expect them (issue 18): 5 Dec 2026, never 12/05/2026.

Django's own "en" formats are American (month first); Rolo's English speakers are as
often in Europe, so a date is written with the month's name, which nobody misreads.
Every page uses the SHORT_ formats, lists and detail pages alike; emails, which are
sentences, the long ones. The other languages keep Django's formats (05/12/2026 in
Italian, 05.12.2026 in German).
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
