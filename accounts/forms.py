from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import services


class CodeForm(forms.Form):
    """One field: the six digits from the app, or (where allowed) a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}
        ),
    )

    def __init__(self, *args, allow_backup_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_backup_code = allow_backup_code
        if allow_backup_code:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows now, or one of your backup codes."
            )
        else:
            self.fields["code"].help_text = _("The six digits your authenticator app shows now.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = services.normalise_code(self.cleaned_data["code"])
        if not services.is_well_formed(code) or (not self.allow_backup_code and not code.isdigit()):
            if self.allow_backup_code:
                raise forms.ValidationError(
                    _("Enter the six digits from your app, or a backup code of eight characters.")
                )
            raise forms.ValidationError(_("Enter the six digits from your app."))
        return code
