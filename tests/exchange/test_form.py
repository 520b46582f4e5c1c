"""The published intake form is a valid XLSForm: pyxform (ODK's own converter) turns it into an XForm."""

from __future__ import annotations

from pathlib import Path

from pyxform.xls2xform import convert

from civharm.exchange.forms import CHOICES, FORM_ID, QUESTIONS, write_xlsform


def test_the_intake_form_converts_to_an_xform_with_every_question(tmp_path: Path) -> None:
    result = convert(xlsform=str(write_xlsform(tmp_path / "intake.xlsx")), validate=False)
    assert result.warnings == []
    xform = result.xform
    assert f'id="{FORM_ID}"' in xform
    for _, name, _, _, _ in QUESTIONS:
        assert f'ref="/data/{name}"' in xform, name
    assert 'required="true()"' in xform
    for values in CHOICES.values():
        assert all(f"<name>{v}</name>" in xform for v in values)
