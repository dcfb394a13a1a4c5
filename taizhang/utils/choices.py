"""Choices with their badge colour, for every app's states (NetBox's ChoiceSet colours)."""

from django.db import models


class ColouredChoices(models.TextChoices):
    """``COLOURS`` (set on the class after it is made) maps a value to a Tabler colour."""

    @classmethod
    def colour(cls, value):
        return cls.COLOURS.get(value, "secondary")
