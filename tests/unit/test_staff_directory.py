"""The colleagues' directory: names for actors and the assignment type-ahead."""

from __future__ import annotations

from halt_desk.desk.staff import Colleague, StaffDirectory, colleague_from_record, fallback_name
from halt_desk.i18n import set_language


def _directory() -> StaffDirectory:
    return StaffDirectory(
        [
            Colleague("agent:sanne.visser", "Sanne Visser", "agent"),
            Colleague("agent:emre.yilmaz", "Emre Yılmaz", "agent"),
            Colleague("field:pieter.degroot", "Pieter de Groot", "field"),
            Colleague("logistics:kees.brouwer", "Kees Brouwer", "logistics"),
            Colleague("regie.desom", "José Álvarez", "regie", org="desom"),
        ]
    )


def test_an_actor_reads_as_its_display_name() -> None:
    staff = _directory()
    assert staff.name("field:pieter.degroot") == "Pieter de Groot"
    assert staff.name(None) == ""


def test_an_actor_without_a_record_still_reads_as_a_person_never_as_its_id() -> None:
    set_language("nl")
    staff = _directory()
    assert staff.name("agent:linda.dekker") == "Linda Dekker"
    assert fallback_name("system:demo-import") == "HALT Desk"
    assert fallback_name("cli") == "HALT Desk"
    assert staff.colleague("field:wendy.smit").role == "field"
    assert staff.colleague("field:wendy.smit").role_word == "Monteur"


def test_type_ahead_matches_word_prefixes_in_any_order_without_case_or_accents() -> None:
    staff = _directory()
    assert [c.id for c in staff.find("yil")] == ["agent:emre.yilmaz"]
    assert [c.name for c in staff.find("groot pie")] == ["Pieter de Groot"]
    assert [c.name for c in staff.find("jose")] == ["José Álvarez"]
    assert [c.name for c in staff.find("degroot")] == ["Pieter de Groot"]  # the user name
    assert staff.find("zzz") == []


def test_type_ahead_keeps_to_the_roles_asked_and_the_limit() -> None:
    staff = _directory()
    assignable = staff.all(roles={"agent", "field"})
    assert [c.name for c in assignable] == ["Emre Yılmaz", "Pieter de Groot", "Sanne Visser"]
    assert all(c.assignable for c in assignable)
    assert len(staff.find("", limit=2)) == 2


def test_a_record_without_a_name_falls_back_to_the_user_name() -> None:
    colleague = colleague_from_record("agent:bas.mulder", {"role": "agent", "email": 7})
    assert colleague.name == "Bas Mulder" and colleague.email is None
