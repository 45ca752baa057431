"""Build the benchmark data set in PostgreSQL, set-based: `INSERT … SELECT generate_series`.

At scale 1: one organization ("bench") with 1,000,000 contacts and 200,000 companies,
plus 100 organizations ("bench-001" … "bench-100") with 10,000 contacts and 2,000
companies each. Names mix Italian, French, German and Spanish first and last names
(accents kept); every record has 1–3 emails and phones (E.164, as the forms store them)
and addresses; companies and a tenth of the contacts have an Italian VAT number
(normalized as `directory.validators.normalize_vat` stores it). 20% of the records
are private, 5% mention a member in their description (with the matching mention row,
as `organizations.mentions.sync_mentions` writes it, and the description's HTML as
`directory.markup.render_description` stores it); contacts work at 0–3 companies.

Two records exist to be measured: the first company of "bench" has exactly 1,000
persons, the first contact works at three companies and has 20 connections (projects,
tasks, tickets). The reader, `bench-reader@example.com`, is a member; she created some
private records and is mentioned in others.

Everything is written in one transaction: either the whole data set exists or none of
it, so a re-run finds the "bench" organization and stops there. Values are derived from
a hash of each row's number, so the same scale always gives the same data.
"""

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from benchmarks import words
from directory.markup import render_description
from history import triggers as history_triggers
from opportunities.models import Stage, StageTotal
from organizations.models import RecordType, Sector
from organizations.scoping import scopes_disabled

BIG_SLUG = "bench"
OTHER_SLUG = "bench-{:03d}"
OWNER_EMAIL = "bench-owner@example.com"
READER_EMAIL = "bench-reader@example.com"
MEMBER_EMAILS = ["bench-member1@example.com", "bench-member2@example.com"]
# Creators and mentioned users are picked from this list, in this order.
USER_EMAILS = [OWNER_EMAIL, READER_EMAIL, *MEMBER_EMAILS]

# The tables the generator fills. Their secondary indexes are dropped during the load
# and rebuilt afterwards: building an index once is several times faster than
# maintaining it through millions of inserts (trigram GIN indexes above all).
LOADED_TABLES = [
    "contacts_contact",
    "contacts_contactemail",
    "contacts_contactphone",
    "contacts_contactaddress",
    "contacts_contactmention",
    "companies_company",
    "companies_companyemail",
    "companies_companyphone",
    "companies_companyaddress",
    "companies_companymention",
    "companies_affiliation",
    "events_event",
    "activity_activity",
    "activity_assignment",
    "activity_activitylink",
    "notes_note",
    "opportunities_opportunity",
    "sales_document",
    "sales_documentline",
]

PROJECT_NAMES = [
    "Warehouse automation", "ERP migration", "New headquarters", "Annual audit",
    "Website relaunch", "Fleet renewal", "Solar roof", "Training programme",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a scale asks for."""

    scale: float
    contacts: int
    companies: int
    other_organizations: int
    other_contacts: int
    other_companies: int
    flagship_persons: int
    detail_connections: int = 20
    reader_activities: int = 10_000
    opportunities: int = 200_000
    documents: int = 2_000_000
    flagship_documents: int = 5_000

    @classmethod
    def at(cls, scale: float) -> "Plan":
        """Return the plan for `scale` (1 = the full data set; 0.001 = a thousandth)."""
        contacts = max(100, round(1_000_000 * scale))
        return cls(
            scale=scale,
            contacts=contacts,
            companies=max(60, round(200_000 * scale)),
            other_organizations=100,
            other_contacts=max(2, round(10_000 * scale)),
            other_companies=max(1, round(2_000 * scale)),
            # The flagship company's persons are contacts 1..N of "bench".
            flagship_persons=min(1_000, contacts // 2),
            reader_activities=max(100, round(10_000 * scale)),
            opportunities=max(100, round(200_000 * scale)),
            documents=max(200, round(2_000_000 * scale)),
            flagship_documents=max(50, min(5_000, round(2_000_000 * scale) // 4)),
        )

    @property
    def total_contacts(self) -> int:
        return self.contacts + self.other_organizations * self.other_contacts

    @property
    def total_companies(self) -> int:
        return self.companies + self.other_organizations * self.other_companies


@dataclass(frozen=True)
class Summary:
    created: bool
    seconds: float
    counts: dict[str, int]


def _h(seed: int, key: str = "g") -> str:
    """SQL for a non-negative pseudo-random bigint derived from `key` and `seed`."""
    return f"abs(hashint8extended({key}, {seed}))"


def _pick(array: str, seed: int, key: str = "g") -> str:
    """SQL picking an element of `array` pseudo-randomly."""
    return f"{array}[1 + mod({_h(seed, key)}, cardinality({array}))]"


def _accent_map() -> tuple[str, str]:
    """The accented letters of the word lists and their plain forms, for SQL translate()."""
    text = "".join(
        words.FIRST_NAMES + words.LAST_NAMES + sum(words.COMPANY_WORDS, []) + words.STREETS
    )
    accented = sorted({ch for ch in text if not ch.isascii() and ch != "ß"})
    plain = [
        unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() for ch in accented
    ]
    pairs = [(a, p) for a, p in zip(accented, plain, strict=True) if len(p) == 1]
    return "".join(a for a, _ in pairs), "".join(p for _, p in pairs)


def _slug(expression: str) -> str:
    """SQL turning a name into the plain lower-case letters an email address uses."""
    return (
        f"regexp_replace(lower(translate(replace({expression}, 'ß', 'ss'), "
        f"%(accented)s, %(plain)s)), '[^a-z0-9]+', '', 'g')"
    )


# The word lists, once per statement, as arrays.
WORDS_CTE = """
WITH w AS (
    SELECT %(first_names)s::text[] AS first_names,
           %(last_names)s::text[] AS last_names,
           %(roles)s::text[] AS roles,
           %(notes)s::text[] AS notes,
           %(notes_html)s::text[] AS notes_html,
           %(domains)s::text[] AS domains,
           %(countries)s::text[] AS countries,
           %(city_names)s::text[] AS city_names,
           %(city_codes)s::text[] AS city_codes,
           %(city_regions)s::text[] AS city_regions,
           %(streets)s::text[] AS streets,
           %(company_words)s::text[] AS company_words,
           %(legal_forms)s::text[] AS legal_forms,
           %(user_ids)s::bigint[] AS user_ids,
           %(user_emails)s::text[] AS user_emails
)
"""

# One row per contact to create: its organization (o = 0 is "bench"), its number i in
# the organization, and g, its number across the whole data set (the hash key).
CONTACT_ROWS = """
    SELECT s.o, s.org_id, s.type_ids, i, s.contact_offset + i AS g
    FROM bench_spec s CROSS JOIN LATERAL generate_series(0, s.contacts - 1) AS i
"""
COMPANY_ROWS = """
    SELECT s.o, s.org_id, s.type_ids, s.sector_ids, i, s.company_offset + i AS g
    FROM bench_spec s CROSS JOIN LATERAL generate_series(0, s.companies - 1) AS i
"""


def _vat(number: str) -> str:
    """SQL for the Italian VAT number (IT + 11 digits, Luhn check digit) of company `number`.

    Seven digits of company number, three of tax office (001–100), one check digit.
    """
    digits = f"(lpad(({number})::text, 7, '0') || lpad((1 + mod({number}, 100))::text, 3, '0'))"
    return f"('IT' || {digits} || pg_temp.bench_luhn({digits}))"


LUHN_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_luhn(digits text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT (mod(10 - mod(sum(
        CASE WHEN mod(length(digits) - p, 2) = 0
             THEN (substr(digits, p, 1)::int * 2) - CASE WHEN substr(digits, p, 1)::int > 4
                                                        THEN 9 ELSE 0 END
             ELSE substr(digits, p, 1)::int END), 10), 10))::text
    FROM generate_series(1, length(digits)) AS p
$$
"""


MENTION_LEAD = " Follow-up with @"


def _notes_html() -> list[str]:
    """The renderer's HTML of each note, without its paragraph, in the order of NOTES.

    The SQL builds a description's stored HTML from these pieces, which is right only
    while rendering a note and a mention sentence is rendering each of them: checked
    here for every combination, so a renderer change fails loudly instead of storing
    HTML that `render_descriptions` would have to correct.
    """
    inner = []
    for note in words.NOTES:
        html = render_description(note)
        if not (html.startswith("<p>") and html.endswith("</p>")):
            raise RuntimeError(f"The note {note!r} does not render as one paragraph: {html}")
        inner.append(html.removeprefix("<p>").removesuffix("</p>"))
        for email in USER_EMAILS:
            text = f"{note}{MENTION_LEAD}{email}."
            if render_description(text) != f"<p>{inner[-1]}{MENTION_LEAD}{email}.</p>":
                raise RuntimeError(f"{text!r} does not render as its pieces do.")
    return inner


def _record_columns(special: str) -> dict[str, str]:
    """SQL for what contacts and companies share: creator, visibility, mention, dates."""
    mentioned = f"(NOT {special} AND mod({_h(6)}, 20) = 0)"
    # Creators: the owner 40%, the reader 20%, each other member 20%.
    creator = (
        f"CASE WHEN {special} THEN 1 WHEN mod({_h(5)}, 10) < 4 THEN 1 "
        f"WHEN mod({_h(5)}, 10) < 6 THEN 2 WHEN mod({_h(5)}, 10) < 8 THEN 3 ELSE 4 END"
    )
    created = f"(now() - make_interval(secs => mod({_h(10)}, 157680000)::double precision))"
    return {
        "mentioned": mentioned,
        "mention_user": f"(1 + mod({_h(7)}, 4))",
        "description": (
            f"CASE WHEN {mentioned} THEN {_pick('w.notes', 8)} || '{MENTION_LEAD}' "
            f"|| w.user_emails[1 + mod({_h(7)}, 4)] || '.' "
            f"WHEN mod({_h(8)}, 3) = 0 THEN {_pick('w.notes', 8)} ELSE '' END"
        ),
        # The same text as the app stores it rendered (see _notes_html).
        "description_html": (
            f"CASE WHEN {mentioned} THEN '<p>' || {_pick('w.notes_html', 8)} "
            f"|| '{MENTION_LEAD}' || w.user_emails[1 + mod({_h(7)}, 4)] || '.</p>' "
            f"WHEN mod({_h(8)}, 3) = 0 THEN '<p>' || {_pick('w.notes_html', 8)} || '</p>' "
            "ELSE '' END"
        ),
        "visibility": (
            f"CASE WHEN NOT {special} AND mod({_h(4)}, 5) = 0 THEN 'private' ELSE 'public' END"
        ),
        "created_by": f"w.user_ids[{creator}]",
        "created_at": created,
        "updated_at": f"least(now(), {created} + make_interval(hours => mod({_h(11)}, 8760)::int))",
    }


def _contact_special(plan: Plan) -> str:
    # Contact 0 (the detail page) and the flagship company's persons stay public and
    # unmentioned, so the measured pages show every one of them to the reader.
    return f"(r.o = 0 AND r.i <= {plan.flagship_persons})"


def _company_special() -> str:
    # Company 0 (the flagship) and companies 1–3 (contact 0's employers) stay public.
    return "(r.o = 0 AND r.i <= 3)"


def _insert_contacts(cursor, plan: Plan, params: dict) -> None:
    columns = _record_columns(_contact_special(plan))
    cursor.execute(
        WORDS_CTE
        + f"""
        INSERT INTO contacts_contact (
            id, organization_id, first_name, last_name, role, type_id, fiscal_code,
            description, description_html, pec, vat_number, tax_country, visibility,
            created_by_id, created_at, updated_at)
        SELECT
            %(contact_base)s + r.g, r.org_id,
            {_pick("w.first_names", 1)},
            CASE WHEN mod({_h(3)}, 5) = 0
                 THEN {_pick("w.last_names", 2)} || ' ' || {_pick("w.last_names", 12)}
                 ELSE {_pick("w.last_names", 2)} END,
            CASE WHEN mod({_h(9)}, 10) < 7 THEN {_pick("w.roles", 9)} ELSE '' END,
            CASE WHEN mod({_h(13)}, 10) < 6 THEN {_pick("r.type_ids", 13)} END,
            '',
            {columns["description"]},
            {columns["description_html"]},
            '',
            CASE WHEN mod({_h(14)}, 10) = 0 THEN {_vat("5000000 + r.g")} ELSE '' END,
            CASE WHEN mod({_h(14)}, 10) = 0 THEN 'IT' ELSE '' END,
            {columns["visibility"]},
            {columns["created_by"]},
            {columns["created_at"]},
            {columns["updated_at"]}
        FROM ({CONTACT_ROWS}) AS r CROSS JOIN w
        """,
        params,
    )


def _insert_companies(cursor, params: dict) -> None:
    columns = _record_columns(_company_special())
    country = f"mod({_h(31)}, 4)"
    cursor.execute(
        WORDS_CTE
        + f"""
        INSERT INTO companies_company (
            id, organization_id, name, type_id, sector_id, description, description_html,
            pec, vat_number, tax_country, visibility, created_by_id, created_at, updated_at)
        SELECT
            %(company_base)s + r.g, r.org_id,
            {_pick("w.last_names", 52)} || ' '
                || w.company_words[1 + {country} * 10 + mod({_h(15)}, 10)] || ' '
                || w.legal_forms[1 + {country} * 3 + mod({_h(16)}, 3)],
            CASE WHEN mod({_h(13)}, 10) < 6 THEN {_pick("r.type_ids", 13)} END,
            CASE WHEN mod({_h(17)}, 10) < 9 THEN {_pick("r.sector_ids", 17)} END,
            {columns["description"]},
            {columns["description_html"]},
            CASE WHEN mod({_h(18)}, 10) < 3
                 THEN 'pec' || (%(company_base)s + r.g) || '@pec.example.it' ELSE '' END,
            {_vat("r.g + 1")},
            'IT',
            {columns["visibility"]},
            {columns["created_by"]},
            {columns["created_at"]},
            {columns["updated_at"]}
        FROM ({COMPANY_ROWS}) AS r CROSS JOIN w
        """,
        params,
    )


def _insert_details(cursor, *, table: str, owner: str, ids: str, params: dict) -> None:
    """Emails, phones and addresses of the records whose ids are in `ids`."""
    key = "x.id"
    slug_first = _slug("x.first_name") if owner == "contact" else "'info'"
    slug_last = _slug("x.last_name") if owner == "contact" else "'office'"
    source = (
        "contacts_contact"
        if owner == "contact"
        else "(SELECT id, organization_id, '' AS first_name, '' AS last_name "
        "FROM companies_company)"
    )
    email = (
        f"CASE p WHEN 0 THEN {slug_first} || '.' || {slug_last} || x.id "
        f"WHEN 1 THEN {slug_first} || x.id "
        f"ELSE left({slug_first}, 1) || {slug_last} || '.' || x.id END "
        f"|| '@' || w.domains[1 + mod({_h(21, key)} + p, cardinality(w.domains))]"
    )
    cursor.execute(
        WORDS_CTE
        + f"""
        INSERT INTO {table}email (organization_id, {owner}_id, position, label, email)
        SELECT x.organization_id, x.id, p, (ARRAY['work', 'home', 'other'])[p + 1], {email}
        FROM {source} AS x CROSS JOIN w
        CROSS JOIN LATERAL generate_series(0, mod({_h(20, key)}, 3)::int) AS p
        WHERE {ids}
        """,
        params,
    )
    eight = f"lpad(mod({_h(24, key)} + p * 7919, 100000000)::text, 8, '0')"
    cursor.execute(
        f"""
        INSERT INTO {table}phone (organization_id, {owner}_id, position, label, number)
        SELECT x.organization_id, x.id, p, (ARRAY['mobile', 'work', 'home'])[p + 1],
            CASE mod({_h(23, key)}, 4)
                WHEN 0 THEN '+393' || (2 + mod({_h(25, key)}, 3)) || {eight}
                WHEN 1 THEN '+3361' || right({eight}, 7)
                WHEN 2 THEN '+49151' || {eight}
                ELSE '+346' || {eight} END
        FROM {source} AS x
        CROSS JOIN LATERAL generate_series(0, mod({_h(22, key)}, 3)::int) AS p
        WHERE {ids}
        """,
        params,
    )
    # Contacts: no address 15%, one 70%, two 15%; companies: one or two.
    count = (
        f"CASE WHEN mod({_h(30, key)}, 20) < 3 THEN 0 WHEN mod({_h(30, key)}, 20) < 17 THEN 1 "
        f"ELSE 2 END"
        if owner == "contact"
        else f"1 + mod({_h(30, key)}, 2)"
    )
    labels = "ARRAY['home', 'office']" if owner == "contact" else "ARRAY['headquarters', 'billing']"
    country = f"mod({_h(31, key)}, 4)::int"
    city = f"{country} * 10 + 1 + mod({_h(32, key)} + p, 10)"
    cursor.execute(
        WORDS_CTE
        + f"""
        INSERT INTO {table}address (
            organization_id, {owner}_id, position, label, street, postal_code, city, region,
            country)
        SELECT x.organization_id, x.id, p, ({labels})[p + 1],
            w.streets[{country} * 8 + 1 + mod({_h(33, key)} + p, 8)] || ' '
                || (1 + mod({_h(34, key)} + p, 200)),
            w.city_codes[{city}], w.city_names[{city}], w.city_regions[{city}],
            w.countries[{country} + 1]
        FROM {source} AS x CROSS JOIN w
        CROSS JOIN LATERAL generate_series(0, ({count})::int - 1) AS p
        WHERE {ids}
        """,
        params,
    )


def _insert_mentions(cursor, plan: Plan, params: dict) -> None:
    for table, owner, rows, special, base in (
        ("contacts_contactmention", "contact", CONTACT_ROWS, _contact_special(plan), "contact"),
        ("companies_companymention", "company", COMPANY_ROWS, _company_special(), "company"),
    ):
        columns = _record_columns(special)
        cursor.execute(
            WORDS_CTE
            + f"""
            INSERT INTO {table} (organization_id, {owner}_id, user_id)
            SELECT r.org_id, %({base}_base)s + r.g, w.user_ids[{columns["mention_user"]}]
            FROM ({rows}) AS r CROSS JOIN w
            WHERE {columns["mentioned"]}
            """,
            params,
        )


def _insert_affiliations(cursor, plan: Plan, params: dict) -> None:
    special = "(r.o = 0 AND r.i = 0)"
    flagship_person = f"(r.o = 0 AND r.i BETWEEN 1 AND {plan.flagship_persons})"
    # Three picks spread over the organization's companies; in "bench" company 0 (the
    # flagship) is left out of the random picks so it has exactly its chosen persons.
    spread = "(s.companies / 3 + 1)"
    cursor.execute(
        WORDS_CTE
        + f"""
        INSERT INTO companies_affiliation (
            organization_id, contact_id, company_id, role, is_primary, created_at)
        SELECT r.org_id, %(contact_base)s + r.g,
            %(company_base)s + s.company_offset + CASE
                WHEN {special} THEN 1 + k
                WHEN {flagship_person} AND k = 0 THEN 0
                WHEN r.o = 0 THEN 1 + mod({_h(41)} + k * {spread}, s.companies - 1)
                ELSE mod({_h(41)} + k * {spread}, s.companies) END,
            CASE WHEN mod({_h(42)} + k, 2) = 0 THEN {_pick("w.roles", 43)} ELSE '' END,
            k = 0,
            now()
        FROM ({CONTACT_ROWS}) AS r
        JOIN bench_spec s ON s.o = r.o
        CROSS JOIN w
        CROSS JOIN LATERAL generate_series(0, CASE
            WHEN {special} THEN 2
            WHEN {flagship_person} THEN mod({_h(40)}, 3)
            ELSE mod({_h(40)}, 4) - 1 END::int) AS k
        ON CONFLICT (organization_id, contact_id, company_id) DO NOTHING
        """,
        params,
    )


def _insert_connections(cursor, plan: Plan, params: dict) -> None:
    """Give contact 0 of "bench" 20 connections: 8 projects, 6 tasks, 6 tickets."""
    org, contact = params["big_org_id"], params["contact_base"]
    owner, client = params["user_ids"][0], params["company_base"] + 1
    cursor.execute(
        """
        INSERT INTO connections_project (
            organization_id, name, description, status, budget, currency, client_company_id,
            created_by_id, created_at, updated_at)
        SELECT %s, name, '', 'active', 10000, 'EUR', %s, %s, now(), now()
        FROM unnest(%s::text[]) AS name
        RETURNING id
        """,
        [org, client, owner, PROJECT_NAMES],
    )
    projects = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        INSERT INTO connections_task (
            organization_id, project_id, title, description, status, assignee_id,
            created_by_id, created_at, updated_at)
        SELECT %s, %s, 'Task ' || n, '', 'todo', %s, %s, now(), now()
        FROM generate_series(1, 6) AS n
        RETURNING id
        """,
        [org, projects[0], params["user_ids"][1], owner],
    )
    tasks = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        INSERT INTO connections_ticket (
            organization_id, project_id, subject, description, status, priority,
            created_by_id, created_at, updated_at)
        SELECT %s, %s, 'Ticket ' || n, '', 'open', 'normal', %s, now(), now()
        FROM generate_series(1, 6) AS n
        RETURNING id
        """,
        [org, projects[0], owner],
    )
    tickets = [row[0] for row in cursor.fetchall()]
    for column, ids in (("project_id", projects), ("task_id", tasks), ("ticket_id", tickets)):
        cursor.execute(
            f"""
            INSERT INTO connections_connection (
                organization_id, contact_id, {column}, created_by_id, created_at)
            SELECT %s, %s, item, %s, now() FROM unnest(%s::bigint[]) AS item
            """,
            [org, contact, owner, ids],
        )


def _insert_events(cursor, plan: Plan, params: dict) -> None:
    """Timelines: three events per contact of "bench" (created, fields edited, a file),
    500 on the detail contact and 300 on the 1,000-person company, as the services write
    them (`events.services`): 3,000,000 rows at scale 1."""
    org, users = params["big_org_id"], params["user_ids"]
    first, last = params["contact_base"], params["contact_base"] + plan.contacts - 1
    updated = '{"fields": [["role", "Analyst", "Engineer"]]}'
    cursor.execute(
        f"""
        INSERT INTO events_event (organization_id, created_at, kind, actor_id, contact_id, data)
        SELECT c.organization_id, c.created_at + make_interval(days => k.n), k.kind,
               (%s::bigint[])[1 + mod(c.id + k.n, %s)], c.id, k.data::jsonb
        FROM contacts_contact c
        CROSS JOIN (VALUES (0, 'created', '{{}}'),
                           (1, 'updated', %s),
                           (2, 'file_added', '{{"name": "offer.pdf", "size": 120000}}')
                   ) AS k(n, kind, data)
        WHERE c.id BETWEEN {first} AND {last} AND c.organization_id = %s
        """,
        [users, len(users), updated, org],
    )
    for column, record, count in (
        ("contact_id", first, 497),
        ("company_id", params["company_base"], 300),
    ):
        cursor.execute(
            f"""
            INSERT INTO events_event (organization_id, created_at, kind, actor_id, {column}, data)
            SELECT %s, now() - make_interval(hours => n), 'file_added',
                   (%s::bigint[])[1 + mod(n, %s)], %s,
                   jsonb_build_object('name', 'file-' || n || '.pdf', 'size', 1000 * n)
            FROM generate_series(1, %s) AS n
            """,
            [org, users, len(users), record, count],
        )


def _insert_activities_and_notes(cursor, plan: Plan, params: dict) -> None:
    """The contact panel's load: the reader is assigned `plan.reader_activities` activities
    (10,000 at scale 1) spread from a month ago to a month ahead, 50 of them on the detail
    contact, which also has 30 notes (3 pinned)."""
    org, users = params["big_org_id"], params["user_ids"]
    owner, reader = users[0], users[1]
    hub, count = params["contact_base"], plan.reader_activities
    cursor.execute(
        "INSERT INTO activity_activitykind (organization_id, name, position) "
        "VALUES (%s, 'Call', 0), (%s, 'Meeting', 1) RETURNING id",
        [org, org],
    )
    kinds = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        INSERT INTO activity_activity (
            organization_id, kind_id, subject, notes, notes_html, due_at, all_day,
            created_by_id, created_at, updated_at, done_at, done_by_id, outcome)
        SELECT %s, (%s::bigint[])[1 + mod(n, 2)], 'Follow-up ' || n, '', '',
               now() + make_interval(mins => (n * 8640 / %s - 4320) * 10), false,
               %s, now(), now(), NULL, NULL, ''
        FROM generate_series(1, %s) AS n
        RETURNING id
        """,
        [org, kinds, count, owner, count],
    )
    activities = sorted(row[0] for row in cursor.fetchall())
    cursor.execute(
        """
        INSERT INTO activity_assignment (
            organization_id, activity_id, user_id, done, due_at, reminder_sent_at)
        SELECT organization_id, id, %s, false, due_at, now()
        FROM activity_activity WHERE id = ANY(%s)
        """,
        [reader, activities],
    )
    # The first 50 are the detail contact's; the others are spread over the contacts.
    cursor.execute(
        """
        INSERT INTO activity_activitylink (organization_id, activity_id, contact_id)
        SELECT %s, a.id, CASE WHEN a.ord <= 50 THEN %s ELSE %s + mod(a.ord, %s) END
        FROM unnest(%s::bigint[]) WITH ORDINALITY AS a(id, ord)
        """,
        [org, hub, hub, plan.contacts, activities],
    )
    cursor.execute(
        """
        INSERT INTO notes_note (
            organization_id, contact_id, body, body_html, mention_names, is_private,
            author_id, created_at, pinned_at)
        SELECT %s, %s, 'Note ' || n || ': called about the offer.',
               '<p>Note ' || n || ': called about the offer.</p>', '{}'::jsonb, false, %s,
               now() - make_interval(days => n), CASE WHEN n <= 3 THEN now() END
        FROM generate_series(1, 30) AS n
        """,
        [org, hub, owner],
    )


def _insert_opportunities(cursor, plan: Plan, params: dict) -> None:
    """The pipeline's load (issue 19): the default pipeline and `plan.opportunities`
    opportunities (200,000 at scale 1) on the bench organization's companies and contacts,
    over its six stages, in EUR and (one in ten) USD, closing over the next two years.
    One in ten is the owner's private one (the reader must not count it); the detail
    contact and the flagship company have 30 open ones each."""
    org, users = params["big_org_id"], params["user_ids"]
    owner = users[0]
    cursor.execute(
        'INSERT INTO opportunities_pipeline (organization_id, name, "order") '
        "VALUES (%s, 'Sales', 0) RETURNING id",
        [org],
    )
    pipeline = cursor.fetchone()[0]
    names = [name for name, _, _ in Stage.DEFAULTS]
    probabilities = [probability for _, probability, _ in Stage.DEFAULTS]
    kinds = [str(kind) for _, _, kind in Stage.DEFAULTS]
    cursor.execute(
        """
        INSERT INTO opportunities_stage (
            organization_id, pipeline_id, name, "order", probability, kind)
        SELECT %s, %s, name, n - 1, probability, kind
        FROM unnest(%s::text[], %s::int[], %s::text[]) WITH ORDINALITY
            AS s(name, probability, kind, n)
        ORDER BY n
        RETURNING id
        """,
        [org, pipeline, names, probabilities, kinds],
    )
    stages = sorted(row[0] for row in cursor.fetchall())
    # Opportunity n: its stage is 1 + mod(n, 6) (the first 60 stay on the open stages),
    # contact for even n, company for odd n (both for one in four).
    cursor.execute(
        """
        INSERT INTO opportunities_opportunity (
            organization_id, title, company_id, contact_id, value, currency, stage_id, state,
            probability, probability_custom, expected_close, owner_id, source, description,
            description_html, closed_on, close_reason, visibility, created_by_id, created_at,
            updated_at)
        SELECT %(org)s, 'Deal ' || n,
               CASE WHEN n <= 30 THEN %(company)s
                    WHEN mod(n, 2) = 1 OR mod(n, 4) = 0
                    THEN %(company)s + mod(n * 7, %(companies)s) END,
               CASE WHEN n BETWEEN 31 AND 60 THEN %(contact)s
                    WHEN n > 60 AND mod(n, 2) = 0 THEN %(contact)s + mod(n * 13, %(contacts)s)
                    END,
               (1000 + mod(n * 37, 99000))::numeric(14, 2),
               CASE WHEN mod(n, 10) = 3 THEN 'USD' ELSE 'EUR' END,
               (%(stages)s::bigint[])[s.i], (%(kinds)s::text[])[s.i],
               (%(probabilities)s::int[])[s.i], false,
               current_date + mod(n, 730)::int, (%(users)s::bigint[])[1 + mod(n, %(user_count)s)],
               '', '', '',
               CASE WHEN s.i > 4 THEN current_date - mod(n, 365)::int END, '',
               CASE WHEN mod(n, 10) = 7 THEN 'private' ELSE 'public' END,
               %(owner)s, now() - make_interval(mins => n), now()
        FROM generate_series(1, %(count)s) AS n,
             LATERAL (SELECT CASE WHEN n <= 60 THEN 1 + mod(n, 4) ELSE 1 + mod(n, 6) END AS i) s
        """,
        {
            "org": org,
            "company": params["company_base"],
            "companies": plan.companies,
            "contact": params["contact_base"],
            "contacts": plan.contacts,
            "stages": stages,
            "kinds": kinds,
            "probabilities": probabilities,
            "users": users,
            "user_count": len(users),
            "owner": owner,
            "count": plan.opportunities,
        },
    )
    # The board's public totals, as Opportunity.save keeps them.
    with scopes_disabled():
        StageTotal.rebuild(org)


# Document n's kind is DOCUMENT_KINDS[n mod 10]: mostly invoices.
DOCUMENT_KINDS = ["invoice"] * 6 + ["credit_note", "quote", "bill", "purchase_order"]


def _insert_documents(cursor, plan: Plan, params: dict) -> None:
    """Sales and purchase documents (issue 15): a 50-item catalog and `plan.documents`
    documents (2,000,000 at scale 1) of three lines each on the bench organization's
    companies and contacts, issued over the last two years; the flagship company has the
    first `plan.flagship_documents` (5,000). Invoices and bills are paid, partly paid or
    open (one in three each), one document in fifty is a draft (no number)."""
    org, owner = params["big_org_id"], params["user_ids"][0]
    kinds = sorted(set(DOCUMENT_KINDS))
    cursor.execute(
        """
        INSERT INTO sales_numberseries (organization_id, kind, name, format, yearly_reset,
                                        is_default)
        SELECT %s, kind, 'Default', fmt, false, true
        FROM unnest(%s::text[], %s::text[]) AS s(kind, fmt)
        RETURNING kind, id
        """,
        [org, kinds, [f"{kind[:3].upper()}-%%%%%%%" for kind in kinds]],
    )
    series = dict(cursor.fetchall())
    cursor.execute(
        """
        INSERT INTO sales_product (organization_id, kind, name, sku, unit, price, currency,
                                   tax_rate, cost, active, created_at)
        SELECT %s, CASE WHEN mod(n, 2) = 0 THEN 'service' ELSE 'product' END, 'Item ' || n,
               'SKU-' || n, 'pcs', 10 + n * 5, 'EUR', 22, 5 + n * 2, true, now()
        FROM generate_series(1, 50) AS n
        RETURNING id
        """,
        [org],
    )
    product = min(row[0] for row in cursor.fetchall())
    cursor.execute(
        """
        INSERT INTO sales_document (
            organization_id, kind, status, company_id, contact_id, series_id, number,
            number_value, period, reference, currency, issue_date, due_date, payment_terms,
            billing_address, notes, net, tax, withholding, gross, paid, credited, paid_on,
            issued_at, language, pdf_key, pdf_sha256, pdf_size, created_by_id, created_at,
            updated_at)
        SELECT %(org)s, k.kind, st.status,
               CASE WHEN n <= %(flagship)s THEN %(company)s
                    WHEN mod(n, 2) = 1 THEN %(company)s + mod(n * 7, %(companies)s) END,
               CASE WHEN n > %(flagship)s AND mod(n, 2) = 0
                    THEN %(contact)s + mod(n * 13, %(contacts)s) END,
               CASE WHEN st.status <> 'draft' THEN (%(series)s::bigint[])[k.i] END,
               CASE WHEN st.status <> 'draft'
                    THEN upper(left(k.kind, 3)) || '-' || lpad(n::text, 7, '0') ELSE '' END,
               CASE WHEN st.status <> 'draft' THEN n END,
               CASE WHEN st.status <> 'draft' THEN 0 END,
               '', CASE WHEN mod(n, 10) = 3 THEN 'USD' ELSE 'EUR' END,
               d.issued, d.issued + 30, '', '', '',
               a.net, a.net * 0.22, 0, a.net * 1.22,
               CASE st.status WHEN 'paid' THEN a.net * 1.22
                              WHEN 'partially_paid' THEN round(a.net * 0.61, 2) ELSE 0 END,
               0, CASE WHEN st.status = 'paid' THEN d.issued + mod(n, 60)::int END,
               CASE WHEN st.status <> 'draft' THEN d.issued::timestamptz END,
               '', '', '', 0, %(owner)s, now() - make_interval(mins => n), now()
        FROM generate_series(1, %(count)s) AS n,
             LATERAL (SELECT 1 + mod(n, 10) AS i,
                             (%(kinds)s::text[])[1 + mod(n, 10)] AS kind) k,
             LATERAL (SELECT CASE WHEN mod(n, 50) = 0 THEN 'draft'
                                  WHEN k.kind IN ('invoice', 'bill')
                                  THEN (ARRAY['paid', 'partially_paid', 'issued'])[1 + mod(n, 3)]
                                  ELSE 'issued' END AS status) st,
             LATERAL (SELECT current_date - mod(n, 730)::int AS issued) d,
             LATERAL (SELECT (100 + mod(n * 37, 9900))::numeric(18, 4) AS net) a
        """,
        {
            "org": org,
            "flagship": plan.flagship_documents,
            "company": params["company_base"],
            "companies": plan.companies,
            "contact": params["contact_base"],
            "contacts": plan.contacts,
            "series": [series[kind] for kind in DOCUMENT_KINDS],
            "kinds": DOCUMENT_KINDS,
            "owner": owner,
            "count": plan.documents,
        },
    )
    cursor.execute(
        """
        INSERT INTO sales_documentline (
            organization_id, document_id, position, product_id, description, quantity, unit,
            unit_price, discount_pct, tax_rate, withholding_rate, cost, net)
        SELECT %(org)s, d.id, p, %(product)s + mod(d.id + p, 50),
               'Item ' || (1 + mod(d.id + p, 50)), 1, 'pcs', round(d.net / 3, 2), 0, 22, 0,
               round(d.net / 6, 2), round(d.net / 3, 2)
        FROM sales_document d, generate_series(1, 3) AS p
        WHERE d.organization_id = %(org)s
        """,
        {"org": org, "product": product},
    )


def _reserve_ids(cursor, table: str, count: int) -> int:
    """Reserve `count` consecutive ids of `table`; return the first."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
    return first


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the indexes no constraint needs on the loaded tables; return their definitions."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [LOADED_TABLES],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes]


def _rebuild(cursor, definitions: list[str], log: Callable[[str], None]) -> None:
    for definition in definitions:
        began = time.perf_counter()
        cursor.execute(definition)
        seconds = time.perf_counter() - began
        if seconds >= 1:
            name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
            log(f"    {name:<42}{seconds:8.1f} s")


def _counts(cursor, organization_ids: list[int]) -> dict[str, int]:
    counts = {}
    for table in [*LOADED_TABLES, "connections_connection"]:
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE organization_id = ANY(%s)", [organization_ids]
        )
        counts[table] = cursor.fetchone()[0]
    return counts


def _create_users_and_organizations(cursor, plan: Plan) -> tuple[list[int], list[int]]:
    cursor.execute(
        """
        INSERT INTO organizations_user (
            password, email, full_name, is_superuser, is_active, is_staff, date_joined,
            session_version)
        SELECT '!', email, '', false, true, false, now(), ''
        FROM unnest(%s::text[]) AS email
        ON CONFLICT (email) DO NOTHING
        """,
        [USER_EMAILS],
    )
    cursor.execute(
        "SELECT id FROM organizations_user WHERE email = ANY(%s) "
        "ORDER BY array_position(%s::text[], email::text)",
        [USER_EMAILS, USER_EMAILS],
    )
    user_ids = [row[0] for row in cursor.fetchall()]
    slugs = [BIG_SLUG] + [OTHER_SLUG.format(n) for n in range(1, plan.other_organizations + 1)]
    cursor.execute(
        """
        INSERT INTO organizations_organization (name, slug, plan, default_country, created_at)
        SELECT initcap(replace(slug, '-', ' ')), slug, 'free', 'IT', now()
        FROM unnest(%s::text[]) WITH ORDINALITY AS s(slug, n) ORDER BY n
        RETURNING id
        """,
        [slugs],
    )
    org_ids = sorted(row[0] for row in cursor.fetchall())
    # The owner owns every organization; the reader and two colleagues are members.
    cursor.execute(
        """
        INSERT INTO organizations_membership (organization_id, user_id, role, created_at)
        SELECT o, u, CASE WHEN n = 1 THEN 'owner' ELSE 'member' END, now()
        FROM unnest(%s::bigint[]) AS o, unnest(%s::bigint[]) WITH ORDINALITY AS m(u, n)
        """,
        [org_ids, user_ids],
    )
    for table, names in (
        ("organizations_recordtype", RecordType.DEFAULTS),
        ("organizations_sector", Sector.DEFAULTS),
    ):
        cursor.execute(
            f"""
            INSERT INTO {table} (organization_id, name, position)
            SELECT o, name, n - 1
            FROM unnest(%s::bigint[]) AS o, unnest(%s::text[]) WITH ORDINALITY AS l(name, n)
            """,
            [org_ids, names],
        )
    return user_ids, org_ids


def _create_spec(cursor, plan: Plan, org_ids: list[int]) -> None:
    """A temporary table: per organization, how many rows and where its numbers start."""
    contacts = [plan.contacts] + [plan.other_contacts] * plan.other_organizations
    companies = [plan.companies] + [plan.other_companies] * plan.other_organizations
    contact_offsets = [sum(contacts[:n]) for n in range(len(contacts))]
    company_offsets = [sum(companies[:n]) for n in range(len(companies))]
    cursor.execute(
        """
        CREATE TEMPORARY TABLE bench_spec ON COMMIT DROP AS
        SELECT s.n - 1 AS o, s.org_id, s.contacts, s.companies, s.contact_offset,
            s.company_offset,
            (SELECT array_agg(id ORDER BY position) FROM organizations_recordtype
             WHERE organization_id = s.org_id) AS type_ids,
            (SELECT array_agg(id ORDER BY position) FROM organizations_sector
             WHERE organization_id = s.org_id) AS sector_ids
        FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::bigint[], %s::bigint[])
            WITH ORDINALITY AS s(org_id, contacts, companies, contact_offset, company_offset, n)
        """,
        [org_ids, contacts, companies, contact_offsets, company_offsets],
    )


def existing(plan: Plan) -> dict[str, int] | None:
    """Return the counts of an existing data set, or None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM organizations_organization WHERE slug = %s OR slug LIKE 'bench-%%'",
            [BIG_SLUG],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return None
        return _counts(cursor, ids)


def generate(*, plan: Plan, log: Callable[[str], None] = print) -> Summary:
    """Create the data set of `plan` unless it exists; say how long each step took."""
    if connection.vendor != "postgresql":
        raise RuntimeError(f"benchmarks need PostgreSQL, not {connection.vendor}")
    started = time.perf_counter()
    found = existing(plan)
    if found is not None:
        if found["contacts_contact"] != plan.total_contacts:
            raise RuntimeError(
                f"the benchmark data set exists with {found['contacts_contact']:,} contacts, "
                f"not the {plan.total_contacts:,} of scale {plan.scale}; "
                "reset the benchmark database first (BENCH_RESET=1)"
            )
        log(f"data set present: {found['contacts_contact']:,} contacts, nothing to generate")
        return Summary(created=False, seconds=0.0, counts=found)

    def step(label: str, action: Callable[[], object]) -> None:
        began = time.perf_counter()
        action()
        log(f"  {label:<44}{time.perf_counter() - began:8.1f} s")

    accented, plain = _accent_map()
    log(
        f"generating {plan.total_contacts:,} contacts and {plan.total_companies:,} companies "
        f"in {1 + plan.other_organizations} organizations"
    )
    # No field history for generated rows: the triggers are dropped and created again
    # inside the transaction (other connections never see them missing).
    with transaction.atomic(), history_triggers.paused(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # Check foreign keys statement by statement instead of holding every pending
        # check of millions of rows until the commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(LUHN_FUNCTION)
        user_ids, org_ids = _create_users_and_organizations(cursor, plan)
        _create_spec(cursor, plan, org_ids)
        params = {
            "first_names": words.FIRST_NAMES,
            "last_names": words.LAST_NAMES,
            "roles": words.ROLES,
            "notes": words.NOTES,
            "notes_html": _notes_html(),
            "domains": words.EMAIL_DOMAINS,
            "countries": words.COUNTRIES,
            "city_names": [city for city, _, _ in words.CITIES],
            "city_codes": [code for _, code, _ in words.CITIES],
            "city_regions": [region for _, _, region in words.CITIES],
            "streets": words.STREETS,
            "company_words": sum(words.COMPANY_WORDS, []),
            "legal_forms": sum(words.LEGAL_FORMS, []),
            "user_ids": user_ids,
            "user_emails": USER_EMAILS,
            "accented": accented,
            "plain": plain,
            "big_org_id": org_ids[0],
            "contact_base": _reserve_ids(cursor, "contacts_contact", plan.total_contacts),
            "company_base": _reserve_ids(cursor, "companies_company", plan.total_companies),
        }
        contact_ids = (
            f"x.id BETWEEN {params['contact_base']} "
            f"AND {params['contact_base'] + plan.total_contacts - 1}"
        )
        company_ids = (
            f"x.id BETWEEN {params['company_base']} "
            f"AND {params['company_base'] + plan.total_companies - 1}"
        )
        definitions: list[str] = []
        step("drop secondary indexes", lambda: definitions.extend(_drop_secondary_indexes(cursor)))
        step("contacts", lambda: _insert_contacts(cursor, plan, params))
        step("companies", lambda: _insert_companies(cursor, params))
        step(
            "contact emails, phones, addresses",
            lambda: _insert_details(
                cursor, table="contacts_contact", owner="contact", ids=contact_ids, params=params
            ),
        )
        step(
            "company emails, phones, addresses",
            lambda: _insert_details(
                cursor, table="companies_company", owner="company", ids=company_ids, params=params
            ),
        )
        step("mentions", lambda: _insert_mentions(cursor, plan, params))
        step("affiliations", lambda: _insert_affiliations(cursor, plan, params))
        step("connections of the detail contact", lambda: _insert_connections(cursor, plan, params))
        step("timeline events", lambda: _insert_events(cursor, plan, params))
        step(
            "activities of the reader, notes of the detail contact",
            lambda: _insert_activities_and_notes(cursor, plan, params),
        )
        step("opportunities", lambda: _insert_opportunities(cursor, plan, params))
        step("sales documents and lines", lambda: _insert_documents(cursor, plan, params))
        step(f"rebuild {len(definitions)} indexes", lambda: _rebuild(cursor, definitions, log))
        step("analyze", lambda: [cursor.execute(f"ANALYZE {table}") for table in LOADED_TABLES])
        counts = _counts(cursor, org_ids)
    if not connection.in_atomic_block:
        # Index-only scans need the visibility map that only VACUUM writes; autovacuum
        # would get there eventually, the measurements should not depend on when.
        step("vacuum", lambda: _vacuum())
    seconds = time.perf_counter() - started
    log(f"generated in {seconds:.0f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return Summary(created=True, seconds=seconds, counts=counts)


def _vacuum() -> None:
    with connection.cursor() as cursor:
        for table in LOADED_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
