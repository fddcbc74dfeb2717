"""Core of the plan site: load, validate, model, link and render plan content.

Plain Python with no MkDocs import, so it can run as a pre-build step for any
static-site generator; `hooks/` only wires it to MkDocs events.
"""
