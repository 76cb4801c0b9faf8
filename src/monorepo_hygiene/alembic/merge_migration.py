"""Write an empty merge migration the way `alembic merge` does: its template, its file name.

The history's `script.py.mako` is rendered by `templates.py` (with mako where it is installed, as
alembic does); without one, alembic's generic template (below) is.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence

from .config import DEFAULT_FILE_TEMPLATE
from .templates import ScriptTemplate, render_script_template

# alembic.script.ScriptDirectory.truncate_slug_length.
DEFAULT_TRUNCATE_SLUG_LENGTH = 40

# alembic 1.16's `templates/generic/script.py.mako`, byte for byte.
GENERIC_TEMPLATE = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    """Upgrade schema."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Downgrade schema."""
    ${downgrades if downgrades else "pass"}
'''

_SLUG_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class MergeMigration:
    """A rendered merge migration: where it goes and what it holds."""

    revision: str
    file_name: str
    content: bytes
    # "mako", "built-in": which engine rendered the template.
    engine: str


def new_revision_id() -> str:
    """alembic.util.rev_id."""
    return uuid.uuid4().hex[-12:]


def merge_message(heads: Sequence[str]) -> str:
    return f"merge heads {', '.join(heads)}"


def render_merge_migration(
    heads: Sequence[str],
    revision: str,
    message: str,
    create_date: datetime.datetime,
    template: Optional[ScriptTemplate] = None,
    file_template: str = DEFAULT_FILE_TEMPLATE,
    truncate_slug_length: int = DEFAULT_TRUNCATE_SLUG_LENGTH,
) -> MergeMigration:
    """The file `alembic merge -m <message> --rev-id <revision> <heads>` would write.

    `template` is the history's `script.py.mako`; None renders alembic's generic template.
    Raises TemplateError naming the template's line when it can't be rendered.
    """
    context: Dict[str, Any] = {
        "up_revision": revision,
        # alembic.script.revision.tuple_rev_as_scalar and util.to_tuple(None).
        "down_revision": heads[0] if len(heads) == 1 else tuple(heads),
        "branch_labels": None,
        "depends_on": None,
        "create_date": create_date,
        "comma": _format_as_comma,
        "message": message,
    }
    text, engine = render_script_template(
        template or ScriptTemplate("<alembic generic template>", GENERIC_TEMPLATE),
        context,
        # alembic's own generic template needs nothing the built-in renderer lacks.
        allow_mako=template is not None,
    )
    return MergeMigration(
        revision=revision,
        file_name=migration_file_name(
            revision, message, create_date, file_template, truncate_slug_length
        ),
        content=text.encode("utf-8"),
        engine=engine,
    )


def migration_file_name(
    revision: str,
    message: str,
    create_date: datetime.datetime,
    file_template: str = DEFAULT_FILE_TEMPLATE,
    truncate_slug_length: int = DEFAULT_TRUNCATE_SLUG_LENGTH,
) -> str:
    """alembic.script.base.ScriptDirectory._rev_path's file name."""
    slug = "_".join(_SLUG_RE.findall(message)).lower()
    if len(slug) > truncate_slug_length:
        slug = slug[:truncate_slug_length].rsplit("_", 1)[0] + "_"
    return "%s.py" % (
        file_template
        % {
            "rev": revision,
            "slug": slug,
            "epoch": int(create_date.timestamp()),
            "year": create_date.year,
            "month": create_date.month,
            "day": create_date.day,
            "hour": create_date.hour,
            "minute": create_date.minute,
            "second": create_date.second,
        }
    )


def _format_as_comma(value: object) -> str:
    """alembic.util.format_as_comma."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(value)  # type: ignore[call-overload]
