"""Forms of referrals: the "Refer" form of the case page and the receiver's answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.cases.referrals import Referral


class OfferingField(forms.ModelChoiceField):
    """Each service with its provider and, when it has a capacity, its places and queue."""

    def label_from_instance(self, obj) -> str:
        label = f"{obj.service.name} — {obj.provider.name}"
        if obj.capacity is not None:
            label += " · " + str(_("%(held)s of %(capacity)s places taken, %(waiting)s "
                                   "waiting") % {"held": obj.held, "capacity": obj.capacity,
                                                 "waiting": obj.waiting})
        return label


class ReferralForm(forms.Form):
    offering = OfferingField(label=_("Service"), queryset=None,
                             empty_label="—", error_messages={"invalid_choice": _(
                                 "Choose a service from the list.")})
    shared = forms.MultipleChoiceField(
        label=_("Shared with the service, beyond the identity card"),
        choices=Referral.Share.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A partner organisation reads more than the identity card only with the "
                    "person's consent to sharing with a partner."))
    note = forms.CharField(label=_("Note for the service"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, offerings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings

    @classmethod
    def for_case(cls, case) -> ReferralForm:
        """The form to draw for ``case``: its services, each labelled with its places and
        queue, but for those the case is already referred to (the service would refuse a
        second referral); a sent form is checked against every service of the region."""
        from jisr.cases import referral_selectors as selectors

        form = cls(offerings=selectors.offering_choices(case=case))
        # Read here with their counts, so that drawing the select asks nothing more; of the
        # service and the provider, only what the label names (a region offers a hundred)
        offerings = selectors.with_places(selectors.named_offerings(
            form.fields["offering"].queryset.exclude(pk__in=Referral.objects.filter(
                case=case, status__in=Referral.OPEN).values("offering_id"))))
        form.fields["offering"].choices = [("", "—")] + [
            (o.pk, form.fields["offering"].label_from_instance(o)) for o in offerings]
        return form


class AnswerForm(forms.Form):
    step = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline")),
                                      ("deliver", _("Service delivered")),
                                      ("not_deliver", _("Service not delivered"))])
    text = forms.CharField(label=_("Reason or note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    # When accepting; its range is the service's to check (referral_services).
    delivery_days = forms.IntegerField(label=_("Deliver within (days)"), required=False)
