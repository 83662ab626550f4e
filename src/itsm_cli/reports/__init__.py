"""Reports: a builder per report prepares the data (all computation happens there), and a
Jinja template per format lays it out. Templates run sandboxed; undefined names are errors."""
