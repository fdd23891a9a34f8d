"""Alembic's migration environment (env.py, script.py.mako, versions/), run by nahbar.migrate."""
