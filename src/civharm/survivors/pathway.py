"""What the person logging a survivor's case must see first: a checklist and the referral pathway.

Plain content, no I/O. Written from first-responder practice for gender-based violence
("look, listen, link") and the Murad Code; adapt the services to the local referral map.
"""

from __future__ import annotations

from dataclasses import dataclass

from civharm.vocabulary import Topic

FIRST_RESPONDER_CHECKLIST: tuple[str, ...] = (
    "Safety first: is the survivor safe now? Talk where they choose; stop if anyone nearby is a risk.",
    "Ask for informed consent before writing anything: say what is recorded, who will see it, "
    "and that they may refuse, pause or withdraw at any time.",
    "Check what has already been collected (shown below) and do not ask for it again.",
    "Collect only what is needed for help and for the record; never press for details of the violence.",
    "Offer urgent medical care now: post-exposure prophylaxis works best within 72 hours, "
    "emergency contraception within 120 hours.",
    "Offer psychosocial support and explain which services exist; refer only to services they choose.",
    "Record the identity only with consent to recording; never share it with partners.",
    "For a child: involve a child-protection specialist; the child's best interests come first.",
    "For trafficking: ask about danger from traffickers and about documents or debts held by them.",
    "Record each referral made and whether the survivor agrees to be contacted again.",
)


@dataclass(frozen=True)
class PathwayStep:
    service: str
    offer: str
    urgency: str


_MEDICAL = PathwayStep(
    "medical", "clinical care (clinical management of rape where relevant)", "at once; within 72 hours"
)
_PSYCHOSOCIAL = PathwayStep("psychosocial", "psychological first aid and case management", "within days")
_SAFETY = PathwayStep("safety", "safe shelter or relocation if the survivor is at risk", "at once if at risk")
_LEGAL = PathwayStep("legal", "legal aid and information, only if the survivor wishes", "when they are ready")

REFERRAL_PATHWAY: dict[Topic, tuple[PathwayStep, ...]] = {
    Topic.CRSV: (_MEDICAL, _PSYCHOSOCIAL, _SAFETY, _LEGAL),
    Topic.THB: (
        PathwayStep("safety", "protection from traffickers; safe shelter", "at once"),
        _MEDICAL,
        _PSYCHOSOCIAL,
        PathwayStep(
            "legal",
            "national referral mechanism for victims of trafficking; residence status and legal aid",
            "within days",
        ),
    ),
}
