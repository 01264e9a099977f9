"""The convenant report as rows of (section, item, value) for CSV and XLSX exports.

The same rows feed both formats, so an export holds exactly the figures on the page.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from audit.services import Action, record_access

from .reporting import ConvenantReport


def _share(value):
    return round(value * 100, 1) if value is not None else ""


def _days(value):
    return round(value, 1) if value is not None else ""


def report_rows(report: ConvenantReport) -> list[tuple[str, str, object]]:
    rows: list[tuple[str, str, object]] = [
        (_("Period"), _("From"), report.start.isoformat()),
        (_("Period"), _("To"), report.end.isoformat()),
        (_("Cases received"), _("Total"), report.received),
    ]
    rows += [(_("By channel"), row.label, row.count) for row in report.by_channel]
    rows.append((_("By referring organisation"), _("Self-reporters (no referring organisation)"), report.self_reports))
    rows += [(_("By referring organisation"), row.label, row.count) for row in report.by_organisation]
    rows += [(_("By district"), row.label, row.count) for row in report.by_stadsdeel]
    rows += [(_("By neighbourhood"), row.label, row.count) for row in report.by_neighbourhood]
    rows.append((_("By neighbourhood"), _("Unknown"), report.unknown_neighbourhood))
    rows += [(_("By conflict type"), row.label, row.count) for row in report.by_conflict_type]
    rows += [
        (_("Suitability"), _("Past intake"), report.past_intake),
        (_("Suitability"), _("Suitable"), report.suitable),
        (_("Suitability"), _("Not suitable"), report.not_suitable),
        (_("Suitability"), _("Suitable (%)"), _share(report.suitable_share)),
        (_("Closed"), _("Total"), report.closed),
    ]
    rows += [(_("Outcomes"), row.label, row.count) for row in report.outcomes]
    rows += [
        (_("Resolution rate"), _("Resolved"), report.resolved),
        (_("Resolution rate"), _("Resolved (%)"), _share(report.resolution_rate)),
    ]
    section, cases, median, p90 = _("Lead times (days)"), _("cases"), _("median"), _("90th percentile")
    for lead in report.lead_times:
        rows += [
            (section, f"{lead.label}: {cases}", lead.cases),
            (section, f"{lead.label}: {median}", _days(lead.median_days)),
            (section, f"{lead.label}: {p90}", _days(lead.p90_days)),
        ]
    rows += [
        (_("Intake within 5 working days"), _("Intakes"), report.intakes_with_contact),
        (_("Intake within 5 working days"), _("Within 5 working days"), report.intakes_within_deadline),
        (
            _("Intake within 5 working days"),
            _("Within 5 working days (%)"),
            _share(report.intake_within_deadline_share),
        ),
        (_("Mediator pool"), _("Active"), report.active_mediators),
        (_("Mediator pool"), _("Active and certified"), report.certified_mediators),
        (_("Mediator pool"), _("Newly recruited"), report.recruited_mediators),
        (_("Mediator pool"), _("Training hours"), float(report.training_hours)),
        (_("Mediations"), _("Mediations on closed cases"), report.mediations),
        (_("Mediations"), _("Mediators with a mediation"), report.mediators_with_mediations),
        (
            _("Mediations"),
            _("Per active mediator"),
            _days(report.mediations_per_active_mediator),
        ),
        (_("Mediations"), _("Target per mediator for the period"), report.target_per_mediator),
    ]
    rows += [(_("Received per month"), row.label, row.count) for row in report.by_month]
    return rows


def _filename(report: ConvenantReport, extension: str) -> str:
    # Only the period: nothing personal in a filename.
    return f"convenant-rapportage-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{extension}"


def _header() -> list[str]:
    return [_("Section"), _("Item"), _("Value")]


def as_csv(report: ConvenantReport) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    response.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark correctly.
    writer = csv.writer(response, delimiter=";")
    writer.writerow(_header())
    writer.writerows(report_rows(report))
    return response


def as_xlsx(report: ConvenantReport) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    sheet.append(_header())
    for section, item, value in report_rows(report):
        sheet.append([section, item, value])
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}


def export_response(request, report: ConvenantReport, export_format: str | None) -> HttpResponse | None:
    """The report as a file in ``export_format``, recorded as an export; None for the HTML page.

    Aggregates only, but a file that leaves the app: the access record says who took which
    format (never the period's figures, nor anything personal).
    """
    build = FORMATS.get(export_format or "")
    if build is None:
        return None
    response = build(report)
    record_access(request.user, action=Action.EXPORT, detail=f"convenant-report:{export_format}")
    return response
