from django import forms

from samskab.notifications.models import EmailPreference, Kind


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ["replies", "moderation", "status", "digest"]
        labels = {
            "replies": Kind.REPLIES.label,
            "moderation": Kind.MODERATION.label,
            "status": Kind.STATUS.label,
            "digest": Kind.DIGEST.label,
        }
