"""A profile shows the suggestions its person made, as far as the reader may see them."""

from conftest import make_user
from taizhang.org.choices import Role
from taizhang.suggestions import services as suggestions
from taizhang.talent.models import Person


def test_the_profile_lists_the_persons_suggestions_and_their_outcomes(
    client, make_person, people, units
):
    account = make_user(units["steel"].organisation, "jy1", Role.SUBMITTER, units["steel"])
    person = make_person("陈立群")
    Person.objects.filter(pk=person.pk).update(account=account)
    suggestion, _code = suggestions.create_suggestion(
        by=account, title="共建冶金新材料中试基地", body="建议两家企业共建中试基地。"
    )
    office = people["supervisor"]
    suggestions.accept(suggestion, by=office)
    suggestions.assign(suggestion, by=office, lead_unit="tzb")
    suggestions.sign(suggestion, by=people["tzb"])
    suggestions.reply(suggestion, by=people["tzb"], reply_class="A", text="已采纳并实施。")
    suggestions.approve_reply(suggestion, by=office)
    suggestions.adopt(suggestion, by=office)
    suggestions.record_outcome(suggestion, by=office, text="基地建成", benefit_amount="260")
    suggestions.commend(suggestion, by=people["leader"], kind="notice")
    suggestions.commend(suggestion, by=people["leader"], kind="reward", amount="2000")

    client.force_login(office)
    page = client.get(f"/talent/{person.pk}/").content.decode()
    assert "共建冶金新材料中试基地" in page and suggestion.number in page
    assert "260" in page and "520" not in page  # two commendations do not double the benefit
    assert "Commended" in page

    client.force_login(people["czj"])  # a handler who may see neither the person nor it
    assert client.get(f"/talent/{person.pk}/").status_code == 404
