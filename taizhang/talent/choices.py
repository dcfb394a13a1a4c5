"""The talent pool's vocabulary: affiliations, parties, the kinds of path event and the stages
they reach, and the kinds of access to sensitive fields."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.utils.choices import ColouredChoices


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Affiliation(models.TextChoices):
    """政治面貌 of a non-party representative."""

    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party member")  # 民主党派
    NON_PARTY = "non_party", _("Non-party personage")  # 无党派人士
    INTELLECTUAL = "intellectual", _("Non-party intellectual")  # 党外知识分子
    NEW_SOCIAL_CLASS = "new_social_class", _("New social class")  # 新的社会阶层人士
    OTHER = "other", _("Other")


class Party(models.TextChoices):
    """The eight democratic parties (民主党派)."""

    RCCK = "rcck", _("Revolutionary Committee of the Kuomintang")  # 民革
    CDL = "cdl", _("China Democratic League")  # 民盟
    CNDCA = "cndca", _("China National Democratic Construction Association")  # 民建
    CAPD = "capd", _("China Association for Promoting Democracy")  # 民进
    CPWDP = "cpwdp", _("Chinese Peasants' and Workers' Democratic Party")  # 农工党
    ZGD = "zgd", _("China Zhi Gong Party")  # 致公党
    JIUSAN = "jiusan", _("Jiusan Society")  # 九三学社
    TDSGL = "tdsgl", _("Taiwan Democratic Self-Government League")  # 台盟


class Stage(ColouredChoices):
    """培养 → 选拔 → 使用: the furthest one a person's path has reached."""

    CULTIVATION = "cultivation", _("Cultivation")  # 培养
    SELECTION = "selection", _("Selection")  # 选拔
    USE = "use", _("In post")  # 使用

    @classmethod
    def rank(cls, stage):
        return list(cls).index(stage) + 1


Stage.COLOURS = {Stage.CULTIVATION: "azure", Stage.SELECTION: "purple", Stage.USE: "green"}


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training course")  # 培训 (培养)
    SECONDMENT = "secondment", _("Temporary post")  # 挂职 (培养)
    EXCHANGE = "exchange", _("Exchange")  # 交流 (培养)
    RECOMMENDATION = "recommendation", _("Recommended for a post")  # 推荐任职 (选拔)
    NPC_NOMINATION = "npc_nomination", _("Nominated as people's congress deputy")  # 人大代表
    CPPCC_NOMINATION = "cppcc_nomination", _("Nominated as CPPCC member")  # 政协委员 (选拔)
    POST = "post", _("Post held")  # 担任职务 (使用)

    @classmethod
    def stage_of(cls, kind):
        return STAGE_OF_KIND[kind]

    @classmethod
    def of_stage(cls, stage):
        return [kind for kind, s in STAGE_OF_KIND.items() if s == stage]


STAGE_OF_KIND = {
    EventKind.TRAINING: Stage.CULTIVATION,
    EventKind.SECONDMENT: Stage.CULTIVATION,
    EventKind.EXCHANGE: Stage.CULTIVATION,
    EventKind.RECOMMENDATION: Stage.SELECTION,
    EventKind.NPC_NOMINATION: Stage.SELECTION,
    EventKind.CPPCC_NOMINATION: Stage.SELECTION,
    EventKind.POST: Stage.USE,
}


class AccessKind(ColouredChoices):
    """How a person's sensitive fields were read."""

    PAGE = "page", _("Shown on the profile")
    API = "api", _("Read through the API")
    EXPORT = "export", _("Exported to Excel")
    EDIT = "edit", _("Shown in the edit form")


AccessKind.COLOURS = {
    AccessKind.PAGE: "azure",
    AccessKind.API: "purple",
    AccessKind.EXPORT: "orange",
    AccessKind.EDIT: "cyan",
}


class AgeBand(models.TextChoices):
    UNDER_35 = "under_35", _("Under 35")
    FROM_35 = "35_44", _("35 to 44")
    FROM_45 = "45_54", _("45 to 54")
    FROM_55 = "55_plus", _("55 and over")


# (youngest, oldest) age of each band, oldest None for no limit.
AGE_BANDS = {
    AgeBand.UNDER_35: (0, 34),
    AgeBand.FROM_35: (35, 44),
    AgeBand.FROM_45: (45, 54),
    AgeBand.FROM_55: (55, None),
}

SENSITIVE_FIELDS = ("id_number", "phone", "email")
