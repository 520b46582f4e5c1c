"""``civharm qual ...``: the thematic analysis workbench on the command line."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import typer

from civharm.qualitative.kappa import agreement_tables, kappa_by_code
from civharm.qualitative.spans_csv import read_document_folder, read_spans

app = typer.Typer(help="Thematic analysis: documents, codes, themes, agreement.", no_args_is_help=True)


def _format_kappa(value: float) -> str:
    return "nan" if value != value else f"{value:.12g}"  # NaN is the only value unequal to itself


@app.command("kappa")
def kappa_command(
    a: Path = typer.Option(..., "--a", help="Coder A's segments: CSV with document_id, start, end, code."),
    b: Path = typer.Option(..., "--b", help="Coder B's segments, same columns."),
    documents: Path = typer.Option(..., "--documents", help="Folder of <document_id>.txt files."),
) -> None:
    """Cohen's kappa per code and overall between two coders, with characters as units.

    Offsets are character positions in DIR/<document_id>.txt, end exclusive. Each code gives
    a 2x2 table over every character of every document in the folder; the overall kappa uses
    the tables of all codes summed. A code without variance prints nan (kappa is undefined).

    Example: civharm qual kappa --a coder_a.csv --b coder_b.csv --documents transcripts/
    """
    texts = read_document_folder(documents)
    lengths = {name: len(text) for name, text in texts.items()}
    tables = agreement_tables(read_spans(a, lengths), read_spans(b, lengths), lengths)
    per_code, overall = kappa_by_code(tables)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "kappa"])
    for code, value in per_code.items():
        writer.writerow([code, _format_kappa(value)])
    writer.writerow(["__overall__", _format_kappa(overall)])
