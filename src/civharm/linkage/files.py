"""File to file: link the reports of a CSV and write one row per report with its incident."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from civharm.linkage.engine import LinkResult, link_records
from civharm.linkage.records import LinkRecord, read_records

#: Exactly these columns, one row per input report (reports without coordinates are named in
#: :class:`FileLinkSummary`, which the command prints to stderr, never in this file).
OUTPUT_COLUMNS = ("report_id", "incident_id", "match_probability")


@dataclass
class FileLinkSummary:
    reports: int
    incidents: int
    multi_report_incidents: int
    without_coordinates: list[str]  # report ids: linked by place name, date, counts and text
    trained: bool


def write_clusters(path: Path, records: list[LinkRecord], result: LinkResult) -> None:
    """``report_id, incident_id, match_probability``; incidents numbered in input order.

    ``match_probability`` is empty for a report no other report joined.
    """
    numbers: dict[int, int] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for record, label, probability in zip(
            records, result.labels.tolist(), result.probability, strict=True
        ):
            number = numbers.setdefault(label, len(numbers) + 1)
            writer.writerow(
                (
                    record.report_id,
                    f"INC-{number:06d}",
                    "" if probability is None else f"{probability:.4f}",
                )
            )


def write_explanations(path: Path, records: list[LinkRecord], result: LinkResult) -> None:
    """One JSON line per merge: the two reports, the evidence across the clusters, each comparison."""
    with path.open("w", encoding="utf-8") as handle:
        for merge in result.explain_merges():
            merge["left"] = records[merge["left"]].report_id
            merge["right"] = records[merge["right"]].report_id
            handle.write(json.dumps(merge, ensure_ascii=False) + "\n")


def link_file(
    input_path: Path, output_path: Path, *, explain_path: Path | None = None, threshold: float | None = None
) -> FileLinkSummary:
    """Read, link, write. Nothing is written when the input is refused."""
    records = read_records(input_path)
    options = {} if threshold is None else {"threshold": threshold}
    result = link_records(records, **options)
    write_clusters(output_path, records, result)
    if explain_path is not None:
        write_explanations(explain_path, records, result)
    sizes: dict[int, int] = {}
    for label in result.labels.tolist():
        sizes[label] = sizes.get(label, 0) + 1
    return FileLinkSummary(
        reports=len(records),
        incidents=len(sizes),
        multi_report_incidents=sum(1 for n in sizes.values() if n > 1),
        without_coordinates=[r.report_id for r in records if not r.has_coordinates],
        trained=result.params.trained_on > 0,
    )
