"""Made-up papers (Bedford Place, Southampton) that show every printed element, without a database.

Two directions, because one cannot show both a "given" and a "not given" answer:

* ``SPECIMEN-S35-0001``: a constable in uniform; every warning and notice given; a person
  who appears to be 15 (items back only to a parent, a completed take-home with a
  safeguarding referral); varied to a later end with notice; one item surrendered and one
  refused (s.39(3)); given while an earlier direction was running, with the supervisor's reason.
* ``SPECIMEN-S35-0002``: a designated PCSO; no words for the area (the plan defines it);
  the offence warning, the written notice and the written surrender direction not given,
  each with its reason; withdrawn without notice, so the item is collectable from then.

The values satisfy the core's rules: the zone is signed before it starts, both directions
are given while it is in force, no exclusion runs past 48 hours from first given, and the
zone is withdrawn only after both were given.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from controlroom.audit.anchor import ChainHead
from controlroom.paperwork.data import (
    AuthorisationPaper,
    ChangePaper,
    DirectionPaper,
    LatLon,
    Officer,
    TakeHomePaper,
    last_day_kept,
)
from controlroom.paperwork.grid import grid_reference

ZONE_POLYGON: tuple[LatLon, ...] = (
    (50.9150, -1.4100),
    (50.9150, -1.4035),
    (50.9095, -1.4040),
    (50.9090, -1.4095),
)


# London Road only, inside the zone: the part of the locality the second direction names.
LONDON_ROAD_PART: tuple[LatLon, ...] = (
    (50.9150, -1.4075),
    (50.9150, -1.4040),
    (50.9110, -1.4045),
    (50.9110, -1.4075),
)


OPERATOR = "specimen-operator"


# A made-up audit head, as long as a real one: the footer is checked at its full width.
SPECIMEN_HEAD = ChainHead(104_857, 104_857, hashlib.sha256(b"specimen audit trail").hexdigest())


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # November: GMT, so UTC is UK time


def specimen_zone() -> AuthorisationPaper:
    """An s.34 authorisation signed before it starts, withdrawn after both specimen directions."""
    return AuthorisationPaper(
        zone_id=1,
        name="Bedford Place and London Road",
        log_number="SPECIMEN-LOG-0001",
        officer=Officer("Inspector", "0000", "A. Specimen"),
        polygon=ZONE_POLYGON,
        area_in_words=(
            "Bedford Place, Carlton Place, London Road and Cumberland Place, south to Commercial Road"
        ),
        starts_at=_at(27, 20, 0),
        ends_at=_at(29, 20, 0),
        grounds="Specimen: repeated reports of men following lone women between venues after midnight.",
        rights_consideration="Specimen: no protest or procession is planned in the locality in the period.",
        authorised_at=_at(27, 19, 45),
        signed_at=_at(27, 19, 40),
        withdrawn_at=_at(29, 3, 0),
        withdrawn_reason="Specimen: the venues closed early and the reports stopped",
        audit_head=SPECIMEN_HEAD,
    )


def specimen_direction() -> DirectionPaper:
    """A constable's direction with every "given" answer, a variation, a refusal and a child."""
    given, place = _at(28, 1, 10), (50.9120, -1.4089)
    variation = ChangePaper(
        kind="variation",
        at=_at(28, 2, 5),
        officer="Sergeant 0003 D. Specimen",
        reason="Specimen: came back into Bedford Place twice after the direction",
        terms="exclusion ends now 29/11/2026 01:10 GMT",
        notice_given=True,
        notice_given_at=_at(28, 2, 10),
        no_notice_reason=None,
        recorded_by=OPERATOR,
    )
    return DirectionPaper(
        reference="SPECIMEN-S35-0001",
        zone=specimen_zone(),
        given_at=given,
        officer=Officer("PC", "0001", "B. Specimen"),
        person_description="Specimen: young man, about 15, black puffer jacket, grey trainers",
        person_name="C. Specimen",
        apparent_age=15,
        behaviour="Specimen: followed two women from Bedford Place towards London Road.",
        grounds="Specimen: likely to contribute to women being harassed, alarmed or distressed.",
        exclusion_polygon=ZONE_POLYGON,
        exclusion_in_words=specimen_zone().area_in_words,
        exclusion_ends_at=_at(29, 1, 10),
        leave_by=_at(28, 1, 25),
        route="South along London Road to Above Bar Street",
        offence_warning_given=True,
        written_notice_given=True,
        no_written_notice_reason=None,
        surrendered_items=("Bottle of vodka (open)",),
        collection_station="Specimen Central Police Station",
        collect_from=_at(29, 1, 10),
        variations=(
            "Varied 28/11/2026 02:05 by Sergeant 0003 D. Specimen: exclusion ends now 29/11/2026 01:10",
        ),
        first_given_at=given,
        officer_capacity="constable",
        in_uniform=True,
        place_given=f"{place[0]:.5f}, {place[1]:.5f}",
        grid_reference=grid_reference(*place),
        necessity="Specimen: two requests to move on were ignored; only a direction keeps him away tonight.",
        access_kept=True,
        not_picket_or_procession=True,
        surrender_belief="Specimen: the bottle was waved at women passing; likely to be used to scare them.",
        surrender_in_writing=True,
        refused_items=("Laser pointer",),
        keep_until=last_day_kept(given),
        under_16=True,
        changes=(variation,),
        take_home=TakeHomePaper(
            status="done",
            taken_to="Home (address on the take-home task)",
            taken_by="PC 0001 B. Specimen",
            told="His mother, in person",
            told_at=_at(28, 2, 40),
            referral="Specimen: safeguarding referral SPEC-REF-0001 (alone and drunk at 1 a.m.)",
            recorded_by=OPERATOR,
            recorded_at=_at(28, 3, 0),
        ),
        running_direction="SPECIMEN-S35-0000",
        supervisor="Sergeant 0003 D. Specimen",
        supervisor_reason="Specimen: the earlier direction named London Road only; this one covers the zone.",
        recorded_by=OPERATOR,
        recorded_at=_at(28, 1, 20),
        audit_head=SPECIMEN_HEAD,
    )


def specimen_withdrawn_direction() -> DirectionPaper:
    """A designated PCSO's direction: area by plan only, every "not given" reason, then withdrawn."""
    given, place, withdrawn = _at(28, 2, 40), (50.9130, -1.4060), _at(28, 4, 0)
    withdrawal = ChangePaper(
        kind="withdrawal",
        at=withdrawn,
        officer="PC 0001 B. Specimen",
        reason="Specimen: CCTV showed the door staff started the argument; no longer necessary",
        terms="",
        notice_given=False,
        notice_given_at=None,
        no_notice_reason="Specimen: she had left the area and could not be found",
        recorded_by=OPERATOR,
    )
    return DirectionPaper(
        reference="SPECIMEN-S35-0002",
        zone=specimen_zone(),
        given_at=given,
        officer=Officer("PCSO", "0005", "F. Specimen"),
        person_description="Specimen: woman, about 25, red coat, long dark hair",
        person_name=None,
        apparent_age=25,
        behaviour="Specimen: shouting abuse at door staff outside a London Road bar.",
        grounds="Specimen: likely to contribute to disorder outside the venue.",
        exclusion_polygon=LONDON_ROAD_PART,
        exclusion_in_words="",
        exclusion_ends_at=_at(28, 14, 40),
        leave_by=None,
        route=None,
        offence_warning_given=False,
        written_notice_given=False,
        no_written_notice_reason="Specimen: no forms left on patrol; the reference was written on a card",
        surrendered_items=("Megaphone",),
        collection_station="Specimen Central Police Station",
        collect_from=withdrawn,
        withdrawn_at=withdrawn,
        first_given_at=given,
        officer_capacity="PCSO",
        in_uniform=True,
        pcso_designation="SPECIMEN-DES-0005",
        place_given=f"{place[0]:.5f}, {place[1]:.5f}",
        grid_reference=grid_reference(*place),
        necessity="Specimen: she squared up to door staff twice; removing her was needed to stop disorder.",
        no_offence_warning_reason="Specimen: she walked off while the direction was being given",
        access_kept=True,
        not_picket_or_procession=True,
        surrender_belief="Specimen: the megaphone was used to shout abuse at door staff.",
        surrender_in_writing=False,
        no_written_surrender_reason="Specimen: told verbally; no forms left on patrol",
        keep_until=last_day_kept(given),
        changes=(withdrawal,),
        recorded_by=OPERATOR,
        recorded_at=_at(28, 2, 55),
        audit_head=SPECIMEN_HEAD,
    )


def specimen_directions() -> tuple[DirectionPaper, ...]:
    """Both specimen directions, in the order the specimen PDF prints them."""
    return specimen_direction(), specimen_withdrawn_direction()
