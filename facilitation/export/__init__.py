"""The outcome report and the files that carry a workshop elsewhere.

model.py builds the report (and holds every rule about what each audience may see); the
other modules only lay that model out: report_html (preview and PDF source), pdf (WeasyPrint),
summary_markdown, commitments_csv and calendar_ics. backup.py is the exception: a complete
copy of the workshop's rows for `python app.py import`, not a report.
"""
