"""What reception types to find a person, and the rule of a *specific* search.

A specific search names one person, not a crowd: an identifier (CIN, RNP, passport…, or a
phone number), or a name of at least two words (first and family name) together with the
birth date or year. Only a specific search may reach persons outside the user's scope, and
then only their identity card, with whole words (DESIGN, "Who sees what"): "fa" and a year
would otherwise list every Fatima and Fadwa of the country born that year. Within scope any
combination of criteria works, a name alone or the start of a word included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from jisr.registry import identifiers
from jisr.registry.models import IdentityDocument, Phone


@dataclass(frozen=True)
class PersonQuery:
    name: str = ""
    identifier: str = ""
    phone: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    commune_id: int | None = None

    @classmethod
    def from_data(cls, data: dict) -> PersonQuery:
        commune = data.get("commune")
        return cls(name=(data.get("name") or "").strip(),
                   identifier=(data.get("identifier") or "").strip(),
                   phone=(data.get("phone") or "").strip(),
                   birth_date=data.get("birth_date"), birth_year=data.get("birth_year"),
                   commune_id=getattr(commune, "pk", commune))

    @property
    def words(self) -> list[str]:
        return identifiers.name_words(self.name)

    @property
    def document_number(self) -> str:
        return identifiers.compact(self.identifier) if self.identifier else ""

    @property
    def phone_number(self) -> str | None:
        return identifiers.try_normalise_phone(self.phone) if self.phone else None

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.identifier or self.phone or self.birth_date
                    or self.birth_year or self.commune_id)

    @property
    def is_narrow(self) -> bool:
        """Whether the query leaves a few hundred persons of a national registry at most
        (two names, or a name and a birth date or year, a document, a phone): the scope is
        then checked person by person (``policy.persons_for(few=True)``)."""
        words = self.words
        return bool(self.document_number or self.phone_number or len(words) >= 2
                    or (words and (self.birth_date or self.birth_year)))

    @property
    def is_specific(self) -> bool:
        if self.document_number or self.phone_number:
            return True
        return len(self.words) >= 2 and bool(self.birth_date or self.birth_year)


def match(qs: QuerySet, query: PersonQuery, *, whole_words: bool = False) -> QuerySet:
    """Persons of ``qs`` matching every criterion given (subqueries, so no duplicate rows).
    Name words match the start of a word of the person's names, or whole words only."""
    end = " " if whole_words else ""
    for word in query.words:
        qs = qs.filter(name_key__contains=f" {word}{end}")
    if query.identifier:
        qs = qs.filter(pk__in=IdentityDocument.objects.filter(
            number=query.document_number).values("person_id"))
    if query.phone:
        number = query.phone_number
        if number is None:
            return qs.none()
        qs = qs.filter(pk__in=Phone.objects.filter(number=number).values("person_id"))
    if query.birth_date:
        qs = qs.filter(birth_date=query.birth_date)
    if query.birth_year:
        qs = qs.filter(birth_year=query.birth_year)
    if query.commune_id:
        qs = qs.filter(commune_id=query.commune_id)
    return qs
