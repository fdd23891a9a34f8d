"""The application's one template environment: every part's templates, one set of globals.

Each web layer keeps its templates beside its code (`TEMPLATE_DIR`); the composition
gathers them here, so escaping, loading and helpers such as `article_path` are set once.
"""

from __future__ import annotations

import jinja2

import i18n
from i18n.web import language_links

from bridge.web import TEMPLATE_DIR as BRIDGE_TEMPLATES
from helpdesk.web import TEMPLATE_DIR as HELPDESK_TEMPLATES
from i18n import TEMPLATE_DIR as I18N_TEMPLATES
from knowledge.articles import article_path
from knowledge.web import TEMPLATE_DIR as KNOWLEDGE_TEMPLATES
from nahbar.data_web import TEMPLATE_DIR as DATA_TEMPLATES
from staff.web import TEMPLATE_DIR as STAFF_TEMPLATES


def environment() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder) for folder in
                                  (KNOWLEDGE_TEMPLATES, STAFF_TEMPLATES, HELPDESK_TEMPLATES, BRIDGE_TEMPLATES,
                                                                DATA_TEMPLATES, I18N_TEMPLATES)])
    templates = jinja2.Environment(loader=loader, autoescape=True, extensions=["jinja2.ext.i18n"])
    # Old-style callables: `_("… {name} …", name=x)` formats like the Python code, one style in the catalog.
    templates.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=False)  # type: ignore[attr-defined]
    templates.globals["current_language"] = i18n.current_language
    templates.globals["language_links"] = language_links
    templates.globals["article_path"] = article_path
    return templates
