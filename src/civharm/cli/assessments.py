"""``civharm incident grade|determine|approve|reject|determinations|caac|cpp|poc``."""

from __future__ import annotations

import typer
from rich.console import Console

from civharm.assessments.determinations import (
    approve_determination,
    determinations_of,
    propose_determination,
    record_grading,
    reject_determination,
)
from civharm.assessments.schemas import DeterminationProposal, GradingCreate
from civharm.cli.acting import ACTOR, AT, EXPECT_VERSION, actor_name, build, parse_at
from civharm.cli.context import app_context
from civharm.errors import ValidationError
from civharm.incidents.service import get_incident
from civharm.topics.models import ChildAgeBand, CivilianObject, DamageLevel, PropertyType, ProtectionStatus
from civharm.topics.schemas import ChildEntry, CulturalPropertyCreate, GraveViolationCreate, PocCreate
from civharm.topics.service import record_cultural_property, record_grave_violation, record_poc
from civharm.vocabulary import Cause, Determination, Grading, GraveViolation

CODE = typer.Argument(..., help="The incident's code, e.g. CH-2026-000123.")
TEST = {"yes": True, "no": False, "n/a": None}


def register(app: typer.Typer) -> None:
    for name, command in (
        ("grade", grade),
        ("determine", determine),
        ("approve", approve),
        ("reject", reject),
        ("determinations", determinations),
        ("caac", caac),
        ("cpp", cpp),
        ("poc", poc),
    ):
        app.command(name)(command)


def _range(text: str | None, what: str) -> tuple[int | None, int | None]:
    """``"2-4"`` or ``"3"`` as (min, max)."""
    if text is None:
        return None, None
    low, _, high = text.partition("-")
    try:
        return int(low), int(high or low)
    except ValueError:
        raise ValidationError(f"--{what} {text!r}: give a number or a range such as 2-4") from None


def grade(
    ctx: typer.Context,
    code: str = CODE,
    grading: Grading = typer.Option(..., "--grading", help="The recorder's grading (Airwars scale)."),
    reasons: str = typer.Option(..., "--reasons", help="Why this grading."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Record the recorder's grading (kept apart from the force's determination).

    Example: civharm incident grade CH-2026-000001 --grading fair --reasons "two credible sources, strike logged"
    """  # noqa: E501
    data = build(GradingCreate, grading=grading, reasons=reasons)
    with app_context(ctx).session() as session:
        record_grading(
            session,
            code=code,
            data=data,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
    typer.echo(f"{code} graded {grading.value}")


def determine(
    ctx: typer.Context,
    code: str = CODE,
    determination: Determination = typer.Option(..., "--determination"),
    more_likely: str = typer.Option(
        ...,
        "--more-likely-than-not",
        help="Result of the test: yes, no, or n/a when it could not be applied.",
    ),
    reasons: str = typer.Option(..., "--reasons", help="The reasons; mandatory."),
    deaths: str | None = typer.Option(
        None, "--deaths", help="Conceded civilian deaths, e.g. 2-4 (credible only)."
    ),
    injuries: str | None = typer.Option(None, "--injuries", help="Conceded civilian injuries, e.g. 0-1."),
    duplicate_of: str | None = typer.Option(None, "--duplicate-of", help="For a duplicate determination."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Propose the force's determination; someone else must approve it (two-person rule).

    Example: civharm incident determine CH-2026-000001 --determination credible --more-likely-than-not yes --reasons "strike log matches" --deaths 2-3 --injuries 0-1 --as ana
    """  # noqa: E501
    if more_likely not in TEST:
        raise ValidationError("--more-likely-than-not must be yes, no or n/a")
    deaths_min, deaths_max = _range(deaths, "deaths")
    injuries_min, injuries_max = _range(injuries, "injuries")
    data = build(
        DeterminationProposal,
        determination=determination,
        reasons=reasons,
        duplicate_of=duplicate_of,
        deaths_min=deaths_min,
        deaths_max=deaths_max,
        injuries_min=injuries_min,
        injuries_max=injuries_max,
        more_likely_than_not=TEST[more_likely],
    )
    with app_context(ctx).session() as session:
        record = propose_determination(
            session,
            code=code,
            data=data,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
        number = record.id
    typer.echo(f"determination #{number} proposed for {code}; it needs approval by someone else")


def approve(
    ctx: typer.Context,
    code: str = CODE,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Approve the proposed determination (must be someone other than the proposer).

    Example: civharm incident approve CH-2026-000001 --as ben
    """
    with app_context(ctx).session() as session:
        record = approve_determination(
            session,
            code=code,
            note=note,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
        text = f"determination #{record.id} ({record.determination.value}) approved for {code}"
    typer.echo(text)


def reject(
    ctx: typer.Context,
    code: str = CODE,
    reason: str = typer.Option(..., "--reason", help="Why the proposal is sent back."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Send a proposed determination back with a reason.

    Example: civharm incident reject CH-2026-000001 --reason "the strike log time does not match" --as ben
    """
    with app_context(ctx).session() as session:
        record = reject_determination(
            session, code=code, reason=reason, actor=actor_name(actor), expected_version=expect_version
        )
        text = f"determination #{record.id} rejected"
    typer.echo(text)


def determinations(ctx: typer.Context, code: str = CODE) -> None:
    """List every determination of an incident, approved, rejected and superseded ones included.

    Example: civharm incident determinations CH-2026-000001
    """
    console = Console(highlight=False)
    with app_context(ctx).session() as session:
        incident = get_incident(session, code=code)
        for d in determinations_of(session, incident_id=incident.id):
            test = {True: "met", False: "not met", None: "n/a"}[d.more_likely_than_not]
            conceded = f" deaths {d.deaths_min}-{d.deaths_max} injuries {d.injuries_min}-{d.injuries_max}"
            console.print(
                f"#{d.id} {d.determination.value:<25} {d.state.value:<10} more likely than not: {test};"
                f"{conceded if d.deaths_max is not None else ''} proposed by {d.proposed_by}"
                f"{f', decided by {d.decided_by}' if d.decided_by else ''}\n    reasons: {d.reasons}",
                markup=False,
            )


def caac(
    ctx: typer.Context,
    code: str = CODE,
    violation: GraveViolation = typer.Option(..., "--violation", help="One of the six grave violations."),
    age: list[int] = typer.Option([], "--age", help="A child's exact age (repeatable)."),
    band: list[ChildAgeBand] = typer.Option([], "--band", help="A child's age band when the age is unknown."),
    perpetrator: str | None = typer.Option(None, "--perpetrator"),
    notes: str = typer.Option("", "--notes"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Record a grave violation against children, with each child's exact age or age band.

    Example: civharm incident caac CH-2026-000005 --violation recruitment_use --age 15 --band 10-14
    """
    children = [build(ChildEntry, age=a) for a in age] + [build(ChildEntry, age_band=b) for b in band]
    data = build(
        GraveViolationCreate, violation=violation, children=children, perpetrator=perpetrator, notes=notes
    )
    with app_context(ctx).session() as session:
        record_grave_violation(
            session, code=code, data=data, actor=actor_name(actor), expected_version=expect_version
        )
    typer.echo(f"{code}: {violation.value} recorded for {len(children)} child(ren)")


def cpp(
    ctx: typer.Context,
    code: str = CODE,
    site: str = typer.Option(..., "--site", help="The site or object's name."),
    property_type: PropertyType = typer.Option(..., "--type", help="movable or immovable"),
    protection: ProtectionStatus = typer.Option(ProtectionStatus.UNKNOWN, "--protection"),
    blue_shield: bool | None = typer.Option(None, "--blue-shield/--no-blue-shield", help="Emblem displayed?"),
    damage: DamageLevel = typer.Option(DamageLevel.UNKNOWN, "--damage"),
    looted: bool = typer.Option(False, "--looted", help="Objects were looted."),
    description: str = typer.Option("", "--description"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Record the cultural property concerned: site, type, protection, damage or looting.

    Example: civharm incident cpp CH-2026-000009 --site "Old mosque" --type immovable --protection national_inventory --damage partial
    """  # noqa: E501
    data = build(
        CulturalPropertyCreate,
        site_name=site,
        property_type=property_type,
        protection=protection,
        blue_shield_marked=blue_shield,
        damage=damage,
        looted=looted,
        description=description,
    )
    with app_context(ctx).session() as session:
        record_cultural_property(
            session, code=code, data=data, actor=actor_name(actor), expected_version=expect_version
        )
    typer.echo(f"{code}: cultural property {site!r} recorded")


def poc(
    ctx: typer.Context,
    code: str = CODE,
    cause: Cause = typer.Option(..., "--cause", help="SDG 16.1.2 cause category."),
    objects: list[CivilianObject] = typer.Option(
        [], "--object", help="A civilian object affected (repeatable)."
    ),
    description: str = typer.Option("", "--description"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Record the cause category and the civilian objects affected (none when no --object).

    Example: civharm incident poc CH-2026-000001 --cause heavy_weapons_explosive_munitions --object food_store_market
    """  # noqa: E501
    data = build(PocCreate, cause=cause, civilian_objects=objects, description=description)
    with app_context(ctx).session() as session:
        record_poc(session, code=code, data=data, actor=actor_name(actor), expected_version=expect_version)
    typer.echo(f"{code}: cause {cause.value}; objects {', '.join(o.value for o in objects) or 'none'}")
