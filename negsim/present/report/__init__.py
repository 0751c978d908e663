"""A report a policy reader can keep (``negsim report``): the analysis of one scenario as
self-contained HTML, PDF and Markdown with its charts, and the solve JSON beside them
(``docs/report.md``).

:mod:`.build` turns the records into a :class:`~.model.Report` (sections of paragraphs,
tables and figures); :mod:`.html`, :mod:`.markdown` and :mod:`.pdf` set it, and
:mod:`.write` writes the folder.
"""

from __future__ import annotations

from negsim.present.report.build import SECTION_HEADINGS, ReportInputs, build_report
from negsim.present.report.write import REPORT_FILES, report_files, write_report

__all__ = [
    "REPORT_FILES",
    "SECTION_HEADINGS",
    "ReportInputs",
    "build_report",
    "report_files",
    "write_report",
]
