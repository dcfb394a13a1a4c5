"""The transition table as a matrix, and the rules around it, through the services."""

import datetime

import pytest
from django.utils import timezone

from taizhang.suggestions import rules, services
from taizhang.suggestions.choices import Action, Rating, Status
from taizhang.suggestions.models import ChannelSettings, Suggestion
from taizhang.supervision.models import Task
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

# Who may take each action, and in which of the walker's states (see conftest.walk). Written
# out by hand from the issue, so that a change of the table shows up here.
EXPECTED = {
    Action.WITHDRAW: ({"submitter"}, {"submitted"}),
    Action.ACCEPT: ({"supervisor"}, {"submitted"}),
    Action.REFUSE: ({"supervisor"}, {"submitted"}),
    Action.MERGE: ({"supervisor"}, {"submitted", "accepted"}),
    Action.ASSIGN: ({"supervisor"}, {"accepted", "assigned", "returned", "in_hand", "redo"}),
    # The walker's in_hand has every unit signed: signing and returning are for "assigned".
    Action.SIGN: ({"lead", "joint", "assisting"}, {"assigned"}),
    Action.RETURN: ({"lead", "joint", "assisting"}, {"assigned"}),
    Action.OPINION: ({"joint", "assisting"}, {"in_hand", "redo"}),
    Action.REPLY: ({"lead"}, {"in_hand", "redo"}),
    Action.APPROVE_REPLY: ({"supervisor"}, {"reply_review"}),
    Action.SEND_BACK_REPLY: ({"supervisor"}, {"reply_review"}),
    Action.RATE: ({"submitter"}, {"replied"}),
    Action.REDO: (set(), set()),  # taken by a rating, never a button
    Action.ADOPT: ({"supervisor", "leader"}, {"replied", "closed"}),
    Action.RECORD_OUTCOME: ({"supervisor"}, {"adopted"}),
    Action.COMMEND: ({"supervisor", "leader"}, {"adopted"}),
    Action.APPROVE_COMMENDATION: (set(), set()),  # nothing pending in these states
    Action.FOLLOW_UP: ({"supervisor"}, {"replied", "closed", "adopted"}),
}
STATES = [
    "submitted",
    "withdrawn",
    "accepted",
    "refused",
    "merged",
    "assigned",
    "returned",
    "in_hand",
    "reply_review",
    "replied",
    "closed",
    "adopted",
    "redo",
]


@pytest.fixture
def actors(people, submitters):
    return {
        "supervisor": people["supervisor"],
        "leader": people["leader"],
        "lead": people["tzb"],
        "joint": people["gzw"],
        "assisting": people["czj"],
        "outsider": people["steel"],
        "submitter": submitters["jy1"],
        "other_submitter": submitters["jy2"],
        "admin": people["admin"],
    }


def test_the_transition_table_as_a_matrix(make_suggestion, actors):
    wrong = []
    for state in STATES:
        suggestion = make_suggestion(state)
        for action, (who, where) in EXPECTED.items():
            for name, user in actors.items():
                expected = name in who and state in where
                allowed = rules.can(user, action, suggestion)
                if allowed != expected:
                    wrong.append(f"{state} × {action} × {name}: {allowed}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_every_refusal_says_why_in_the_users_language(make_suggestion, actors):
    suggestion = make_suggestion("submitted")
    assert rules.why_not(actors["lead"], Action.ACCEPT, suggestion) == (
        "您的角色不能对该建议执行“受理”。"
    )
    closed = make_suggestion("closed")
    assert "已办结" in rules.why_not(actors["supervisor"], Action.ACCEPT, closed)


def test_a_submitter_files_online_and_sees_only_their_own(make_suggestion, submitters, people):
    mine = make_suggestion("submitted")
    assert mine.channel == "online"
    assert mine.number.startswith(f"CITY-JY-{timezone.localdate().year}-")
    assert mine.affiliation.code == "steel"
    assert list(Suggestion.objects.visible_to(submitters["jy1"])) == [mine]
    assert not Suggestion.objects.visible_to(submitters["jy2"]).exists()
    assert not Suggestion.objects.visible_to(people["tzb"]).exists()  # not given to them yet
    assert not Suggestion.objects.visible_to(people["admin"]).exists()
    assert Suggestion.objects.visible_to(people["leader"]).count() == 1


def test_staff_enter_an_offline_joint_suggestion(people, submitters):
    suggestion, code = services.create_suggestion(
        by=people["supervisor"],
        submitter="jy1",
        co_submitters=["jy2"],
        channel="symposium",
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        title="在座谈会上提出的建议",
        body="建议定期召开党外人士座谈会。",
    )
    assert code is None
    assert suggestion.channel == "symposium" and suggestion.entered_by == people["supervisor"]
    assert [u.username for u in suggestion.submitters] == ["jy1", "jy2"]
    for person in submitters.values():
        assert Suggestion.objects.visible_to(person).filter(pk=suggestion.pk).exists()
    with pytest.raises(WorkflowError, match="没有建言人账号"):
        services.create_suggestion(
            by=people["supervisor"], submitter="nobody", title="标题", body="内容"
        )
    with pytest.raises(NotAllowed):
        services.create_suggestion(by=people["tzb"], title="标题", body="内容")


def test_assigned_units_see_it_and_the_lead_units_return_sends_it_back(
    make_suggestion, people, units
):
    suggestion = make_suggestion("assigned")
    for code in ("tzb", "gzw", "czj"):
        assert Suggestion.objects.visible_to(people[code]).filter(pk=suggestion.pk).exists()
    assert not Suggestion.objects.visible_to(people["steel"]).exists()
    services.return_to_office(suggestion, by=people["gzw"], comment="非本单位职责")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED  # a joint unit's return leaves the lead at work
    services.return_to_office(suggestion, by=people["tzb"], comment="应由市国资委主办")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.RETURNED
    services.assign(suggestion, by=people["supervisor"], lead_unit="gzw")
    suggestion = Suggestion.objects.for_lists().get(pk=suggestion.pk)
    assert suggestion.status == Status.ASSIGNED and suggestion.lead_unit == units["gzw"]
    assert rules.can(people["gzw"], Action.SIGN, suggestion)  # given again: a fresh start


def test_a_unit_may_return_only_within_the_working_days_allowed(make_suggestion, people, settings):
    settings.TAIZHANG_SUGGESTION_RETURN_WORKING_DAYS = 3
    suggestion = make_suggestion("assigned")
    long_ago = timezone.now() - datetime.timedelta(days=30)
    suggestion.suggestion_units.update(assigned_at=long_ago)
    suggestion = Suggestion.objects.for_lists().get(pk=suggestion.pk)
    reason = rules.why_not(people["tzb"], Action.RETURN, suggestion)
    assert "退回时限已于" in reason and "3 个工作日" in reason
    with pytest.raises(NotAllowed):
        services.return_to_office(suggestion, by=people["tzb"], comment="迟到的退回")
    services.sign(suggestion, by=people["tzb"])  # signing is still possible, of course


def test_merging_keeps_the_submitters_of_both_and_tells_them(make_suggestion, submitters):
    merged = make_suggestion("merged")
    target = merged.merged_into
    assert merged.status == Status.MERGED
    names = sorted(s.user.username for s in target.suggestion_submitters.all())
    assert names == ["jy1", "jy2"]
    assert Suggestion.objects.visible_to(submitters["jy1"]).filter(pk=target.pk).exists()
    assert submitters["jy1"].notifications.filter(title__contains="已并入").exists()
    assert submitters["jy2"].notifications.filter(title__contains="并入您的建议").exists()


def test_merge_refuses_itself_and_dead_ends(make_suggestion, people):
    suggestion = make_suggestion("accepted")
    with pytest.raises(WorkflowError, match="不能并入自身"):
        services.merge(suggestion, by=people["supervisor"], into=suggestion.pk)
    refused = make_suggestion("refused")
    with pytest.raises(WorkflowError, match="不予立案"):
        services.merge(suggestion, by=people["supervisor"], into=refused.pk)


def test_refusing_needs_a_reason_from_the_list_and_tells_the_submitter(
    make_suggestion, people, submitters
):
    suggestion = make_suggestion("submitted")
    with pytest.raises(WorkflowError, match="out_of_scope"):
        services.refuse(suggestion, by=people["supervisor"], reason_code="whim", comment="不要")
    services.refuse(
        suggestion,
        by=people["supervisor"],
        reason_code="out_of_scope",
        comment="属于劳动争议。",
        alternative_channel="市劳动人事争议仲裁院",
    )
    event = suggestion.events.get(action=Action.REFUSE)
    assert "不属于受理范围" in event.comment and "市劳动人事争议仲裁院" in event.comment
    assert submitters["jy1"].notifications.filter(title__contains="不予立案").exists()


def test_only_the_submitter_rates_and_dissatisfied_reopens_once(
    make_suggestion, people, submitters, actors
):
    suggestion = make_suggestion("replied")
    for name in ("supervisor", "leader", "lead", "other_submitter"):
        with pytest.raises(NotAllowed):
            services.rate(suggestion, by=actors[name], rating="satisfied")
    services.rate(suggestion, by=submitters["jy1"], rating="dissatisfied", comment="没有时间表")
    suggestion = Suggestion.objects.for_lists().get(pk=suggestion.pk)
    assert suggestion.status == Status.IN_HAND and suggestion.round == 2
    assert suggestion.deadline > timezone.localdate()
    lead = people["tzb"]
    services.reply(suggestion, by=lead, reply_class="A", text="已明确时间表并落实。")
    services.approve_reply(suggestion, by=people["supervisor"])
    services.rate(suggestion, by=submitters["jy1"], rating="dissatisfied", comment="仍不满意")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED and suggestion.rating == Rating.DISSATISFIED
    actions = list(suggestion.events.order_by("id").values_list("action", flat=True))
    assert actions.count(Action.REDO) == 1


def test_dissatisfied_needs_a_word_on_why(make_suggestion, submitters):
    suggestion = make_suggestion("replied")
    with pytest.raises(WorkflowError, match="不满意"):
        services.rate(suggestion, by=submitters["jy1"], rating="dissatisfied")


def test_no_rating_in_time_counts_as_basically_satisfied_and_says_so(make_suggestion):
    suggestion = make_suggestion("replied")
    assert services.deem_rated(suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED
    assert suggestion.rating == Rating.BASICALLY_SATISFIED and suggestion.rating_auto
    event = suggestion.events.get(action=Action.RATE)
    assert event.actor is None and "视为基本满意" in event.comment


def test_an_anonymous_suggestion_is_rated_only_with_its_claim_code(org, submitters, people):
    with pytest.raises(WorkflowError, match="匿名"):
        services.create_suggestion(by=submitters["jy1"], title="匿名", body="内容", anonymous=True)
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    suggestion, code = services.create_suggestion(
        by=submitters["jy1"], title="匿名建议", body="建议改进食堂管理。", anonymous=True
    )
    assert code and len(code) == 14 and suggestion.anonymous
    assert not suggestion.suggestion_submitters.exists()  # nobody to find behind it
    assert suggestion.created_by is None and suggestion.events.get().actor is None
    assert not Suggestion.objects.visible_to(submitters["jy1"]).exists()
    assert suggestion.claim_code_hash and code not in suggestion.claim_code_hash
    services.accept(suggestion, by=people["supervisor"])
    services.assign(suggestion, by=people["supervisor"], lead_unit="tzb")
    services.sign(suggestion, by=people["tzb"])
    services.reply(suggestion, by=people["tzb"], reply_class="A", text="已整改。")
    services.approve_reply(suggestion, by=people["supervisor"])
    assert services.claimed("WRONG-CODE-XXXX") is None
    claimed = services.claimed(code.lower().replace("-", " "))  # as someone types it
    assert claimed == suggestion
    with pytest.raises(NotAllowed):
        services.rate(suggestion, by=submitters["jy1"], rating="satisfied")
    services.rate(claimed, by=rules.Claimant(claimed), rating="satisfied")
    claimed.refresh_from_db()
    assert claimed.status == Status.CLOSED and claimed.rating == Rating.SATISFIED


def test_replies_are_classed_and_b_needs_a_date(make_suggestion, people):
    suggestion = make_suggestion("in_hand")
    with pytest.raises(WorkflowError, match="A、B 或 C"):
        services.reply(suggestion, by=people["tzb"], reply_class="D", text="答复")
    with pytest.raises(WorkflowError, match="何时解决"):
        services.reply(suggestion, by=people["tzb"], reply_class="B", text="正在解决")
    with pytest.raises(NotAllowed):
        services.reply(suggestion, by=people["gzw"], reply_class="A", text="会办单位不能答复")
    services.send_opinion(suggestion, by=people["gzw"], text="建议纳入国资国企改革方案。")
    services.reply(suggestion, by=people["tzb"], reply_class="C", text="受政策限制，暂不具备条件。")
    services.send_back_reply(suggestion, by=people["supervisor"], comment="请说明具体政策依据。")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.IN_HAND
    assert suggestion.opinions.get().unit.code == "gzw"


def test_adoption_outcome_and_a_reward_approved_by_a_leader(make_suggestion, people, submitters):
    suggestion = make_suggestion("adopted")
    services.record_outcome(
        suggestion,
        by=people["supervisor"],
        text="平台已建成，两家企业联合攻关三项技术。",
        place="XX钢铁集团、XX矿业公司",
        benefit="1200",
        benefit_people=300,
    )
    outcome = suggestion.outcomes.get()
    assert outcome.benefit_amount == 1200
    services.commend(suggestion, by=people["supervisor"], kind="reward", amount="5000")
    assert not submitters["jy1"].notifications.filter(title__contains="表彰").exists()
    suggestion = Suggestion.objects.get(pk=suggestion.pk)
    with pytest.raises(NotAllowed):
        services.approve_commendation(suggestion, by=people["supervisor"])
    services.approve_commendation(suggestion, by=people["leader"])
    assert suggestion.commendations.get().approved_by == people["leader"]
    assert submitters["jy1"].notifications.filter(title__contains="表彰").exists()
    with pytest.raises(WorkflowError, match="金额"):
        services.commend(suggestion, by=people["leader"], kind="reward", amount="-5")


def test_an_adopted_suggestion_spawns_tasks_that_link_back(make_suggestion, people, units):
    suggestion = make_suggestion("replied")
    with pytest.raises(NotAllowed):
        services.spawn_task(suggestion, by=people["supervisor"], lead_unit=units["gzw"])
    services.adopt(suggestion, by=people["leader"], extent="part")
    task = services.spawn_task(
        suggestion,
        by=people["supervisor"],
        lead_unit=units["gzw"],
        deadline_working_days=30,
    )
    task = Task.objects.get(pk=task.pk)
    assert task.source_kind == "suggestion" and suggestion.number in task.source_ref
    assert task.title == suggestion.title
    assert task.source_suggestion.suggestion == suggestion
    from taizhang.supervision import sources

    (label, url), *_rest = sources.links_for(task, people["supervisor"])
    assert suggestion.number in label and url == suggestion.get_absolute_url()


def test_a_stale_version_is_refused(make_suggestion, people):
    suggestion = make_suggestion("submitted")
    with pytest.raises(Conflict):
        services.accept(suggestion, by=people["supervisor"], version=suggestion.version - 1)


def test_the_task_page_links_back_to_its_suggestion(make_suggestion, people, units, client):
    suggestion = make_suggestion("adopted")
    task = services.spawn_task(
        suggestion, by=people["supervisor"], lead_unit=units["gzw"], deadline_working_days=20
    )
    client.force_login(people["supervisor"])
    page = client.get(task.get_absolute_url()).content.decode()
    assert f'href="{suggestion.get_absolute_url()}"' in page and suggestion.number in page
