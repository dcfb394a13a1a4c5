from django import forms

from .models import ReportSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = [
            "issuer",
            "praise_min_closed",
            "praise_on_time_percent",
            "criticise_overdue",
            "unsigned_working_days",
            "burden_reports_per_month",
            "burden_reminders_per_month",
        ]
