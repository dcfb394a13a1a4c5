"""Regressions found by a reader of the whole: privacy of anonymous ones, what a submitter is
told, merging offline submitters, a handler in two units, bounds of dates and figures."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from taizhang.org.choices import Role
from taizhang.org.models import Membership
from taizhang.suggestions import services, stats
from taizhang.suggestions.models import ChannelSettings, Suggestion
from taizhang.utils.errors import NotAllowed, WorkflowError


def test_an_anonymous_submitters_file_does_not_name_them(org, submitters):
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    letter = SimpleUploadedFile("建议.pdf", b"%PDF-1.4 scanned", content_type="application/pdf")
    suggestion, _code = services.create_suggestion(
        by=submitters["jy1"], title="匿名", body="内容", anonymous=True, files=[letter]
    )
    assert suggestion.attachments.get().uploaded_by is None


def test_a_proposed_reward_is_not_shown_to_the_submitter_until_approved(make_suggestion, people):
    suggestion = make_suggestion("adopted")
    services.commend(suggestion, by=people["supervisor"], kind="reward", amount="8000")
    assert not suggestion.events.filter(action="commend", public=True).exists()
    services.approve_commendation(suggestion, by=people["leader"])
    assert suggestion.events.filter(action="approve_commendation", public=True).exists()


def test_merging_carries_a_submitter_without_an_account_by_name(make_suggestion, people):
    target = make_suggestion("accepted")
    letter, _code = services.create_suggestion(
        by=people["supervisor"], submitter_name="张明（来信）", title="类似建议", body="同上。"
    )
    services.merge(letter, by=people["supervisor"], into=target.pk)
    target.refresh_from_db()
    assert target.submitter_name == "张明（来信）"
    assert "张明（来信）" in Suggestion.objects.for_lists().get(pk=target.pk).submitter_display


def test_a_handler_in_two_units_acts_only_in_the_part_that_signed(make_suggestion, people, units):
    suggestion = make_suggestion("assigned")
    both = make_user(units["tzb"].organisation, "both", Role.HANDLER, units["tzb"])
    Membership.objects.create(user=both, unit=units["gzw"])
    services.sign(suggestion, by=people["gzw"])  # the joint unit signed; the lead has not
    suggestion = Suggestion.objects.for_lists().get(pk=suggestion.pk)
    with pytest.raises(NotAllowed):
        services.reply(suggestion, by=both, reply_class="A", text="未签收不能答复")
    services.sign(suggestion, by=people["tzb"])
    services.send_opinion(suggestion, by=both, text="会办意见")
    assert suggestion.opinions.get().unit == units["gzw"]


def test_a_received_date_has_its_own_bounds_and_words(people, submitters):
    with pytest.raises(WorkflowError, match="档案"):
        services.create_suggestion(
            by=people["supervisor"],
            submitter="jy1",
            title="旧信",
            body="内容",
            received_on=datetime.date(1999, 12, 31),
        )
    with pytest.raises(WorkflowError, match="不能晚于今天"):
        services.create_suggestion(
            by=people["supervisor"],
            submitter="jy1",
            title="新信",
            body="内容",
            received_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_a_draft_under_review_is_not_counted_overdue(make_suggestion, people):
    suggestion = make_suggestion("reply_review")
    Suggestion.objects.filter(pk=suggestion.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    figures = stats.summary(Suggestion.objects.visible_to(people["supervisor"]))
    assert figures["overdue"] == 0 and figures["due"] == 0


def test_suggestion_work_shows_on_the_to_do_page(client, make_suggestion, people):
    make_suggestion("submitted")
    make_suggestion("assigned", title="完善党外人士联系制度")
    client.force_login(people["supervisor"])
    page = client.get("/").content.decode()
    assert "建言献策：待受理" in page and "/suggestions/#waiting-accept" in page
    client.force_login(people["tzb"])
    assert "建言献策：待签收" in client.get("/").content.decode()


def test_a_replaced_reply_leaves_the_public_list(make_suggestion, people, submitters):
    suggestion = make_suggestion("reply_review", reply_class="C")
    services.approve_reply(suggestion, by=people["supervisor"], public=True)
    services.rate(suggestion, by=submitters["jy1"], rating="dissatisfied", comment="不具体")
    services.reply(suggestion, by=people["tzb"], reply_class="A", text="已解决。")
    services.approve_reply(suggestion, by=people["supervisor"])
    public = list(suggestion.replies.filter(public=True).values_list("reply_class", flat=True))
    assert public == ["A"]


def test_the_page_warns_of_a_joint_unit_that_sent_no_opinion(client, make_suggestion, people):
    suggestion = make_suggestion("in_hand")
    client.force_login(people["tzb"])
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert 'data-testid="opinions-missing"' in page and "市国资委" in page
    services.send_opinion(suggestion, by=people["gzw"], text="同意。")
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert 'data-testid="opinions-missing"' not in page
