"""Merging contacts and companies, and undoing a merge: both records back exactly (issue 17).

Every kind of row that points at a record moves to the survivor: affiliations, files,
links, notes, activity links, connections, client links of projects, opportunities,
timeline rows. Undo gives back every tenant row as it was (tests/trash/helpers.py).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from activity.models import ActivityLink
from attachments.models import Attachment
from companies.models import Affiliation, Company
from connections.models import Connection, Project
from contacts.models import Contact
from events.models import Event, EventKind
from history.models import Change
from merging.forms import MergeForm
from merging.models import Merge
from notes.models import Note
from opportunities.models import Opportunity
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.merging.helpers import default_data, merge_url
from tests.trash.helpers import differences, dump, only_new
from trash.models import TrashBatch

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(name, kwargs={"slug": "acme", **kwargs})


@pytest.fixture
def people(acme, alice, bob, carol):
    """Two Ada Lovelaces, each with contact points and everything that can link to a contact."""
    with scope(organization=acme):
        initech = factories.CompanyFactory(organization=acme, name="Initech")
        globo = factories.CompanyFactory(organization=acme, name="Globo")
        hooli = factories.CompanyFactory(organization=acme, name="Hooli")
        ada = factories.ContactFactory(
            organization=acme,
            first_name="Ada",
            last_name="Lovelace",
            role="",
            created_by=bob,
            description="Ask @carol@example.com",
        )
        ada.emails.create(organization=acme, email="ada@one.test", position=0)
        ada.emails.create(organization=acme, email="shared@both.test", position=1)
        ada.phones.create(organization=acme, number="+390211111111", position=0)
        twin = factories.ContactFactory(
            organization=acme,
            first_name="Ada",
            last_name="King",
            role="Countess",
            created_by=bob,
        )
        twin.emails.create(organization=acme, email="shared@both.test", position=0)
        twin.emails.create(organization=acme, email="ada@two.test", position=1)
        twin.phones.create(organization=acme, number="+390222222222", position=0)
        twin.addresses.create(organization=acme, street="St James's Square", city="London")
        factories.AffiliationFactory(contact=ada, company=initech, is_primary=True)
        factories.AffiliationFactory(contact=twin, company=globo, is_primary=True, role="Chair")
        factories.AffiliationFactory(contact=twin, company=initech, role="Advisor")
        factories.AffiliationFactory(contact=twin, company=hooli)
        project = factories.ProjectFactory(
            organization=acme, name="Engine", client_contact=twin, budget=Decimal("100")
        )
        task = factories.TaskFactory(project=project, title="Notes on the engine")
        factories.connect(project, ada)
        factories.connect(project, twin)  # both: the twin's stays with it
        factories.connect(task, twin)
        file = factories.AttachmentFactory(contact=twin, content=b"z" * 321, uploaded_by=bob)
        factories.LinkFactory(contact=twin)
        note = factories.NoteFactory(contact=twin, author=bob, body="Met at the ball.")
        shared = factories.activity(acme, created_by=bob, contacts=[ada, twin])
        own = factories.activity(acme, created_by=bob, contacts=[twin], subject="Tea")
        opportunity = factories.opportunity(acme, created_by=bob, contact=twin, title="Engine")
        Event.objects.create(organization=acme, kind=EventKind.CREATED, contact=twin, actor=bob)
    return {
        "ada": ada,
        "twin": twin,
        "initech": initech,
        "globo": globo,
        "project": project,
        "task": task,
        "file": file,
        "note": note,
        "shared": shared,
        "own": own,
        "opportunity": opportunity,
    }


def assert_back(before, after):
    assert differences(before, after) == {}
    # Only the merge's own record and the field history of the rows it changed are new.
    assert set(only_new(before, after)) <= {"history.change", "merging.merge"}


def merge_twins(client, people, user, **overrides):
    data = default_data([people["ada"], people["twin"]], "contact", user, **overrides)
    return client.post(merge_url("contact", people["ada"], people["twin"]), data)


def test_the_merge_page_shows_both_records_side_by_side(people, bob, client_for):
    response = client_for(bob).get(merge_url("contact", people["ada"], people["twin"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Countess" in page and "King" in page and "Lovelace" in page
    # The shared email is offered once; the three distinct ones can all be kept.
    assert page.count("shared@both.test") == 1
    assert "ada@two.test" in page and "St James" in page


def test_merge_moves_everything_to_the_survivor_and_undo_gives_both_back(
    people, acme, bob, client_for
):
    ada, twin = people["ada"], people["twin"]
    before = dump(acme)
    client = client_for(bob)

    response = merge_twins(client, people, bob, field_role="1", field_last_name="0")

    assert response.status_code == 302
    assert response["Location"] == url("contact_detail", pk=ada.pk)
    with scopes_disabled():
        assert not Contact.objects.filter(pk=twin.pk).exists()
        ada.refresh_from_db()
        assert (ada.first_name, ada.last_name, ada.role) == ("Ada", "Lovelace", "Countess")
        assert sorted(ada.emails.values_list("email", flat=True)) == [
            "ada@one.test",
            "ada@two.test",
            "shared@both.test",
        ]
        assert sorted(ada.phones.values_list("number", flat=True)) == [
            "+390211111111",
            "+390222222222",
        ]
        assert ada.addresses.count() == 1
        # Links moved: one primary company (the survivor's), the twin's others kept.
        companies = dict(
            Affiliation.objects.filter(contact=ada).values_list("company__name", "is_primary")
        )
        assert companies == {"Initech": True, "Globo": False, "Hooli": False}
        assert Project.objects.get(pk=people["project"].pk).client_contact_id == ada.pk
        assert Connection.objects.filter(contact=ada, task=people["task"]).exists()
        assert Connection.objects.filter(contact=ada, project=people["project"]).count() == 1
        assert Attachment.objects.filter(contact=ada).count() == 2
        assert Note.objects.get(pk=people["note"].pk).contact_id == ada.pk
        assert ActivityLink.objects.filter(activity=people["own"], contact=ada).exists()
        assert ActivityLink.objects.filter(activity=people["shared"]).count() == 1
        assert Opportunity.objects.get(pk=people["opportunity"].pk).contact_id == ada.pk
        assert Event.objects.filter(contact=ada, kind=EventKind.CREATED).exists()
        assert Event.objects.filter(contact=ada, kind=EventKind.MERGED).exists()
        assert Change.objects.filter(source="merge", contact_id=ada.pk).exists()
        merge = Merge.objects.get()
        batch = TrashBatch.objects.get()
        assert merge.losers == [[twin.pk, batch.pk]]
    assert default_storage.exists(people["file"].storage_key)
    # The survivor's timeline says so, with Undo.
    page = client.get(url("contact_timeline", pk=ada.pk)).content.decode()
    assert "merged Ada King into this record" in page
    assert url("merge_undo", pk=merge.pk) in page

    response = client.post(url("merge_undo", pk=merge.pk))

    assert response.status_code == 302
    assert_back(before, dump(acme))
    with scopes_disabled():
        assert not TrashBatch.objects.exists()
        assert Merge.objects.get().undone_at is not None
    assert client.post(url("merge_undo", pk=merge.pk)).status_code == 302  # refused, nothing done
    assert_back(before, dump(acme))


def test_companies_merge_and_undo(acme, alice, bob, client_for):
    with scope(organization=acme):
        one = factories.CompanyFactory(
            organization=acme, name="Initech", vat_number="IT00743110157"
        )
        two = factories.CompanyFactory(
            organization=acme,
            name="Initech S.p.A.",
            vat_number="IT00743110157",
            visibility="private",
            created_by=bob,
        )
        two.emails.create(organization=acme, email="info@initech.test", position=0)
        person = factories.ContactFactory(organization=acme)
        factories.AffiliationFactory(contact=person, company=two, is_primary=True)
        factories.ProjectFactory(organization=acme, name="Roof", client_company=two)
        factories.AttachmentFactory(company=two, content=b"abc")
        factories.NoteFactory(company=two, author=bob, body="Note")
        factories.activity(acme, created_by=bob, companies=[two])
        factories.opportunity(acme, created_by=bob, company=two)
    before = dump(acme)
    client = client_for(bob)
    # bob keeps his own (private) record: a survivor he did not create would be hidden
    # from him once private (tested in test_the_merger_must_still_see_the_result).
    data = default_data([one, two], "company", bob, field_name="1", survivor=two.pk)

    response = client.post(merge_url("company", one, two), data)

    assert response.status_code == 302
    with scopes_disabled():
        two.refresh_from_db()
        assert two.name == "Initech S.p.A."
        assert two.visibility == "private"
        assert list(two.emails.values_list("email", flat=True)) == ["info@initech.test"]
        assert Affiliation.objects.get(contact=person).company_id == two.pk
        assert Project.objects.get(name="Roof").client_company_id == two.pk
        assert not Company.objects.filter(pk=one.pk).exists()
        merge = Merge.objects.get()
    assert client.post(url("merge_undo", pk=merge.pk)).status_code == 302
    assert_back(before, dump(acme))


def test_more_than_three_emails_keeps_the_form_and_merges_nothing(people, acme, bob, client_for):
    with scope(organization=acme):
        people["twin"].emails.create(organization=acme, email="third@two.test", position=2)
        people["ada"].refresh_from_db()
    before = dump(acme)
    client = client_for(bob)
    records = [people["ada"], people["twin"]]
    data = default_data(records, "contact", bob)
    with scope(organization=acme):
        form = MergeForm(records=records, kind="contact", user=bob)
    # Four different emails (the shared one is offered once), all ticked.
    data["emails"] = [key for key, _label in form.fields["emails"].choices]
    assert len(data["emails"]) == 4

    response = client.post(merge_url("contact", people["ada"], people["twin"]), data)

    assert response.status_code == 400
    assert "Keep at most 3" in response.content.decode()
    assert differences(before, dump(acme)) == {}
    with scopes_disabled():
        assert not Merge.objects.exists()


def test_only_the_survivors_creator_may_make_it_less_private(acme, bob, carol, client_for):
    with scope(organization=acme):
        public = factories.ContactFactory(organization=acme, created_by=carol, last_name="A")
        private = factories.ContactFactory(
            organization=acme, created_by=bob, visibility="private", last_name="B"
        )
    client = client_for(bob)
    data = default_data([public, private], "contact", bob, visibility="public")
    response = client.post(merge_url("contact", public, private), data)
    assert response.status_code == 400
    assert "Only the creator" in response.content.decode()
    # bob created the private one: keeping it, he may choose.
    data = default_data([public, private], "contact", bob, visibility="public", survivor=private.pk)
    response = client.post(merge_url("contact", public, private), data)
    assert response.status_code == 302
    with scopes_disabled():
        private.refresh_from_db()
        assert private.visibility == "public"


def test_undo_after_the_loser_was_restored_from_the_trash(people, acme, bob, client_for):
    before = dump(acme)
    client = client_for(bob)
    merge_twins(client, people, bob)
    with scopes_disabled():
        batch = TrashBatch.objects.get()
        merge = Merge.objects.get()
    client.post(url("trash_restore", pk=batch.pk))
    assert client.post(url("merge_undo", pk=merge.pk)).status_code == 302
    assert_back(before, dump(acme))


def test_undo_is_refused_after_30_days(people, acme, bob, client_for):
    client = client_for(bob)
    merge_twins(client, people, bob)
    with scopes_disabled():
        merge = Merge.objects.get()
        Merge.objects.filter(pk=merge.pk).update(merged_at=timezone.now() - timedelta(days=31))
    response = client.post(url("merge_undo", pk=merge.pk))
    assert response.status_code == 302
    with scopes_disabled():
        assert Merge.objects.get().undone_at is None
        assert not Contact.objects.filter(pk=people["twin"].pk).exists()


def test_the_merges_list(people, acme, bob, carol, client_for):
    merge_twins(client_for(bob), people, bob)
    page = client_for(bob).get(url("merge_list")).content.decode()
    assert "Ada King" in page and "Undo merge" in page
    # carol sees the merge but did not make it (and is no owner): no Undo for her.
    page = client_for(carol).get(url("merge_list")).content.decode()
    assert "Ada King" in page and "Undo merge" not in page


def test_a_private_record_merged_in_makes_the_survivor_private(acme, bob, carol, client_for):
    with scope(organization=acme):
        public = factories.ContactFactory(organization=acme, created_by=carol, last_name="A")
        private = factories.ContactFactory(
            organization=acme,
            created_by=carol,
            visibility="private",
            last_name="B",
            description="Ask @bob@example.com",
        )
    # carol keeps her public record: it becomes private.
    data = default_data([public, private], "contact", carol, field_description="1")
    response = client_for(carol).post(merge_url("contact", public, private), data)
    assert response.status_code == 302
    with scopes_disabled():
        public.refresh_from_db()
        assert public.visibility == "private"
        # The description chosen mentions bob: he still sees the merged record.
        assert public.mentions.filter(user=bob).exists()


def test_the_merger_must_still_see_the_result(acme, bob, carol, client_for):
    with scope(organization=acme):
        public = factories.ContactFactory(organization=acme, created_by=carol, last_name="A")
        private = factories.ContactFactory(
            organization=acme, created_by=bob, visibility="private", last_name="B"
        )
    before = dump(acme)
    # Keeping carol's record, made private, would hide it from bob.
    data = default_data([public, private], "contact", bob)
    response = client_for(bob).post(merge_url("contact", public, private), data)
    assert response.status_code == 400
    assert "You would no longer see" in response.content.decode()
    assert differences(before, dump(acme)) == {}


def test_three_contacts_merge_and_undo(acme, bob, client_for):
    with scope(organization=acme):
        trio = [
            factories.ContactFactory(organization=acme, first_name="Ada", last_name=name)
            for name in ("Lovelace", "King", "Byron")
        ]
        for number, contact in enumerate(trio):
            contact.emails.create(organization=acme, email=f"ada{number}@x.test", position=0)
            factories.NoteFactory(contact=contact, author=bob, body=f"Note {number}")
    before = dump(acme)
    client = client_for(bob)
    response = client.post(merge_url("contact", *trio), default_data(trio, "contact", bob))
    assert response.status_code == 302
    with scopes_disabled():
        assert Contact.objects.count() == 1
        assert Note.objects.filter(contact=trio[0]).count() == 3
        assert trio[0].emails.count() == 3
        merge = Merge.objects.get()
        assert len(merge.losers) == 2 and TrashBatch.objects.count() == 2
    client.post(url("merge_undo", pk=merge.pk))
    assert_back(before, dump(acme))


@pytest.mark.parametrize(
    "bad",
    [{"field_role": "7"}, {"survivor": "999999"}, {"visibility": "secret"}, {"field_role": ""}],
)
def test_bad_choices_keep_the_form_and_merge_nothing(people, acme, bob, client_for, bad):
    before = dump(acme)
    data = default_data([people["ada"], people["twin"]], "contact", bob, **bad)
    response = client_for(bob).post(merge_url("contact", people["ada"], people["twin"]), data)
    assert response.status_code == 400
    assert 'name="ids"' in response.content.decode()
    assert differences(before, dump(acme)) == {}
    with scopes_disabled():
        assert not Merge.objects.exists()


def test_undo_is_refused_when_the_survivor_was_deleted_since(people, acme, bob, client_for):
    client = client_for(bob)
    merge_twins(client, people, bob)
    with scopes_disabled():
        merge = Merge.objects.get()
    client.post(url("contact_delete", pk=people["ada"].pk))
    response = client.post(url("merge_undo", pk=merge.pk))
    # The survivor is in the trash: the merge is no longer listed for anyone, a 404.
    assert response.status_code == 404
    with scopes_disabled():
        assert Merge.objects.get().undone_at is None


def test_the_service_refuses_an_undo_without_its_survivor(people, acme, bob, client_for):
    from django.core.exceptions import ValidationError

    from merging.services import undo_merge

    merge_twins(client_for(bob), people, bob)
    with scope(organization=acme):
        merge = Merge.objects.get()
        Contact.objects.filter(pk=people["ada"].pk).delete()
        with pytest.raises(ValidationError, match="deleted since the merge"):
            undo_merge(merge, user=bob)
        assert TrashBatch.objects.count() == 1  # the loser stays in the trash
