"""Loads courses from the YAML files under courses/content/ (format: courses/content/README.md).

Parsing checks every file first and collects every error with its file and line; only when all files are good
are they written, in one transaction, matched to existing rows by slug/key so progress survives edits.
Other apps (quizzes) add their own files through `register_extension`; courses does not import them.

The package: `lines` (YAML with line numbers), `validate` (the field rules content files share), `parse`
(folders into specs) and `apply` (specs into rows). Its public names are re-exported here.
"""

from .apply import CONTENT_ROOT, LoadResult, apply_course, load_courses
from .lines import ContentError, LDict, LList, _display, read_yaml
from .parse import (
    LOADER_VERSION,
    UNIT_FILE_RE,
    BlockSpec,
    ContentExtension,
    CourseSpec,
    PathwaySpec,
    UnitSpec,
    content_hash,
    parse_all,
    parse_block,
    parse_course,
    parse_unit,
    register_extension,
)
from .validate import CHOICES, PHONE_RE, SLUG_RE, Reader, pathway_list

__all__ = [
    "BlockSpec",
    "CHOICES",
    "CONTENT_ROOT",
    "ContentError",
    "ContentExtension",
    "CourseSpec",
    "LDict",
    "LList",
    "LOADER_VERSION",
    "LoadResult",
    "PHONE_RE",
    "PathwaySpec",
    "Reader",
    "SLUG_RE",
    "UNIT_FILE_RE",
    "UnitSpec",
    "_display",
    "apply_course",
    "content_hash",
    "load_courses",
    "parse_all",
    "parse_block",
    "parse_course",
    "parse_unit",
    "pathway_list",
    "read_yaml",
    "register_extension",
]
