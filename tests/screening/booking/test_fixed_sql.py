"""Every fixed SQL statement under screening/ names tables and columns as the models do,
read from the statement's own text; and the statement helper expands IN lists into
placeholders only.

The statements are found by scanning the source: any module with a string (not a
docstring) holding statement text is checked. A module-level name is checked as its
value, so statements built from constants are checked whole; in a queries module every
string is, pieces of statements included (read with the module's tables and aliases). A
string inside a function is checked as written, each f-string hole either resolved (a
table name formatted in from a model's db_table) or left out. Identifiers are the
lowercase words (every statement here writes keywords in capitals), quoted ones included.
"""

import ast
import datetime as dt
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps

import screening
from screening import fixed_sql as sql

SOURCE = Path(screening.__file__).parent
ROOT = SOURCE.parent
STATEMENT_TEXT = re.compile(r"\b(SELECT|UPDATE|INSERT INTO|DELETE FROM)\s")
# Sources that are not models' tables, with the columns the statements may read there.
NOT_MODELS = {
    "pg_constraint": {"conname"},  # PostgreSQL's catalogue of constraints
    "sqlite_master": {"name", "type"},  # SQLite's catalogue of tables and triggers
    "json_each": {"value"},  # SQLite's table of a JSON array's items
}
HOLE = "?"


def model_columns() -> dict[str, set[str]]:
    """Each model's table with its concrete columns (many-to-many tables included)."""
    return {
        m._meta.db_table: {f.column for f in m._meta.concrete_fields}
        for m in apps.get_models(include_auto_created=True)
    } | NOT_MODELS


# --- finding the statements ---------------------------------------------------------------


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _table_formatted_in(hole: ast.expr, function: ast.AST | None, module) -> str | None:
    """The table a hole names when it is, or is assigned in its function from, an
    expression of a model's `_meta.db_table`."""
    candidates = [hole]
    if isinstance(hole, ast.Name) and function is not None:
        candidates += [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == hole.id for t in node.targets)
        ]
    for expr in candidates:
        found = re.search(r"\b(\w+)\._meta\.db_table\b", ast.unparse(expr))
        if found and module is not None and hasattr(module, found.group(1)):
            return getattr(module, found.group(1))._meta.db_table
    return None


def _literal_text(node: ast.expr, function, module) -> str:
    if isinstance(node, ast.Constant):
        return node.value
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(part.value)
        else:
            parts.append(_table_formatted_in(part.value, function, module) or HOLE)
    return "".join(parts)


@dataclass
class Module:
    name: str
    statements: dict[str, str] = field(default_factory=dict)  # where -> text


def fixed_sql_modules() -> list[Module]:
    """Every module under screening/ (migrations aside: they are history, run once) with
    statement text in a string, and its statements."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        docstrings = _docstrings(tree)
        if not any(
            id(node) not in docstrings
            and (
                (isinstance(node, ast.Constant) and isinstance(node.value, str))
                or isinstance(node, ast.JoinedStr)
            )
            and STATEMENT_TEXT.search(_literal_text(node, None, None))
            for node in ast.walk(tree)
        ):
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name)
        found.append(_statements_of(Module(name), tree, module))
    return found


def _looks_like_sql(text: str, module: Module) -> bool:
    """A statement, or in a queries module any string (a statement or a piece of one)."""
    return module.name.endswith(".queries") or bool(STATEMENT_TEXT.search(text))


def _statements_of(found: Module, tree: ast.Module, module) -> Module:
    at_top: set[int] = set()
    for node in tree.body:  # module-level names: checked as their values
        if isinstance(node, ast.Assign | ast.AnnAssign):
            at_top.update(id(n) for n in ast.walk(node))
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    continue
                value = getattr(module, target.id)
                texts = [value] if isinstance(value, str) else value
                if not isinstance(texts, list | tuple) or not all(
                    isinstance(t, str) for t in texts
                ):
                    continue
                for n, text in enumerate(texts):
                    if _looks_like_sql(text, found):
                        where = target.id if isinstance(value, str) else f"{target.id}[{n}]"
                        found.statements[where] = text
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    pieces = {id(p) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for p in n.values}
    for function in functions:  # strings inside functions: checked as written
        for node in ast.walk(function):
            if id(node) in at_top | pieces or not isinstance(node, ast.Constant | ast.JoinedStr):
                continue
            if isinstance(node, ast.Constant) and not isinstance(node.value, str):
                continue
            text = _literal_text(node, function, module)
            if STATEMENT_TEXT.search(text):
                found.statements[f"{function.name}, line {node.lineno}"] = text
    return found


# --- reading a statement --------------------------------------------------------------------

TOKEN = re.compile(
    r"(?P<ref>[A-Za-z_]\w*\.[a-z_]\w*)|(?P<word>[A-Za-z_]\w*)|(?P<open>\()|(?P<hole>\?)|\S"
)
# Words after which a lowercase word names a constraint, index method, extension or
# trigger, not a column.
NAMING = {"CONSTRAINT", "USING", "EXTENSION", "TRIGGER", "EXISTS"}


@dataclass
class Reading:
    tables: set[str] = field(default_factory=set)
    aliases: dict[str, str | None] = field(default_factory=dict)  # None: a derived table
    refs: list[tuple[str, str]] = field(default_factory=list)  # (qualifier, column)
    bare: set[str] = field(default_factory=set)


def _tokens(text: str) -> list[tuple[str, str]]:
    text = re.sub(r"'[^']*'", " '' ", text)  # string values
    text = re.sub(r'"(\w+)"', r"\1", text)  # quoted identifiers ("end", "to")
    text = text.replace("%s", f" {HOLE} ").replace("$$", " ")
    return [(m.lastgroup, m.group()) for m in TOKEN.finditer(text)]


def read(text: str) -> Reading:
    """The tables (with aliases), qualified column references and bare columns named."""
    tokens = _tokens(text)
    reading = Reading()
    skip: set[int] = set()
    for i, (kind, value) in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        previous = tokens[i - 1][1] if i else ""
        if kind == "word" and value in {"FROM", "JOIN", "UPDATE", "INTO", "TABLE", "ON"}:
            if following[0] == "open" and value == "FROM":  # a derived table: (VALUES ...) AS v
                depth, j = 0, i + 1
                while j < len(tokens):
                    depth += {"(": 1, ")": -1}.get(tokens[j][1], 0)
                    if depth == 0:
                        break
                    j += 1
                alias = tokens[j + 2] if j + 2 < len(tokens) and tokens[j + 1][1] == "AS" else None
                if alias:
                    reading.aliases[alias[1]] = None
                    skip.add(j + 2)
                continue
            if following[0] != "word" or not following[1].islower():
                continue
            if value == "ON" and previous not in {"INSERT", "UPDATE", "DELETE"}:
                continue  # a join's condition, not a trigger's table
            table = following[1]
            reading.tables.add(table)
            skip.add(i + 1)
            if value == "ON":  # a trigger: NEW and OLD are the row of its table
                reading.aliases.update(NEW=table, OLD=table)
            j = i + 2
            if j < len(tokens) and tokens[j][1] == "(":  # a table-valued function
                continue
            if j < len(tokens) and tokens[j][1] == "AS":
                j += 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].islower():
                reading.aliases[tokens[j][1]] = table
                skip.add(j)
    for i, (kind, value) in enumerate(tokens):
        if i in skip:
            continue
        following = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        previous = tokens[i - 1][1] if i else ""
        if kind == "ref":
            qualifier, column = value.split(".")
            reading.refs.append((qualifier, column))
        elif kind == "word" and value.islower() and following != "(" and previous not in NAMING:
            reading.bare.add(value)
    return reading


def problems(where: str, text: str, columns: dict[str, set[str]], around: Reading) -> list[str]:
    """What a statement names that the models do not have. A fragment (a condition with no
    table of its own) is read with its module's tables and aliases (`around`)."""
    reading = read(text)
    tables = reading.tables or around.tables
    aliases = {**around.aliases, **reading.aliases} if not reading.tables else reading.aliases
    found = [f"{where}: no model stores {t}" for t in sorted(tables - set(columns))]
    known = set(tables) & set(columns)
    for qualifier, column in reading.refs:
        if qualifier in {"NEW", "OLD"} and qualifier not in aliases:
            continue  # a trigger's condition, checked in the trigger that includes it
        table = aliases.get(qualifier, qualifier if qualifier in tables else "")
        if table is None:
            continue  # a derived table's own columns (VALUES ... AS v)
        if table not in columns:
            found.append(f"{where}: {qualifier}.{column} names no table of the statement")
        elif column not in columns[table]:
            found.append(f"{where}: {table} has no column {column}")
    for column in sorted(reading.bare - set(aliases) - tables):
        if not any(column in columns[t] for t in known):
            found.append(f"{where}: no column {column} in {', '.join(sorted(known)) or '-'}")
    return found


# --- the checks -----------------------------------------------------------------------------


def test_fixed_sql_is_found_in_every_module_known_to_hold_it():
    names = {m.name for m in fixed_sql_modules()}
    assert {
        "screening.booking.queries",
        "screening.booking.guards",
        "screening.messaging.planning",
        "screening.messaging.templates",
        "screening.messaging.dispatch",
    } <= names, sorted(names)
    # The booking path keeps its statements in its queries module only.
    assert not {"screening.booking.availability", "screening.booking.services"} & names


@pytest.mark.parametrize("module", fixed_sql_modules(), ids=lambda m: m.name)
def test_the_tables_and_columns_named_are_the_models_own(module):
    columns = model_columns()
    around = Reading()
    for text in module.statements.values():
        reading = read(text)
        around.tables |= reading.tables
        around.aliases |= {k: v for k, v in reading.aliases.items() if k not in {"NEW", "OLD"}}
    assert module.statements, f"{module.name} holds statement text but none was read"
    assert around.tables, f"no table read in {module.name}: the reader is blind"
    found = [
        p
        for where, text in module.statements.items()
        for p in problems(where, text, columns, around)
    ]
    assert not found, "\n".join(found)


def test_a_statement_is_read_for_its_tables_aliases_and_columns():
    reading = read(
        'SELECT s.agency_id, "end" FROM screening_session s JOIN screening_visit AS v '
        "ON v.id = s.visit_id WHERE v.case_id = %s AND s.agency_id IN (%s) AND cancelled = %s"
    )
    assert reading.tables == {"screening_session", "screening_visit"}
    assert reading.aliases == {"s": "screening_session", "v": "screening_visit"}
    assert sorted(reading.refs) == [
        ("s", "agency_id"), ("s", "agency_id"), ("s", "visit_id"), ("v", "case_id"), ("v", "id"),
    ]  # fmt: skip
    assert reading.bare == {"end", "cancelled"}


@pytest.mark.parametrize(
    "statement, problem",
    [
        ("SELECT s.nonexistent FROM screening_session s", "screening_session has no column"),
        ("SELECT nonexistent FROM screening_session", "no column nonexistent"),
        ("SELECT 1 FROM screening_nothing WHERE id = %s", "no model stores screening_nothing"),
        ("SELECT x.id FROM screening_session s", "x.id names no table"),
    ],
)
def test_a_name_the_models_do_not_have_is_reported(statement, problem):
    found = problems("here", statement, model_columns(), Reading())
    assert found and problem in found[0], found


def test_an_in_list_becomes_one_placeholder_per_value(db):
    rows = sql.fetch("SELECT %s, %s WHERE 1 IN (%s) AND %s = %s", [7, "a", sql.Many([3, 1]), 1, 1])
    assert rows == [(7, "a")]


def test_a_statement_and_its_parameters_must_agree(db):
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        sql.fetch("SELECT %s, %s", [1])
    with pytest.raises(ValueError, match="an IN list needs at least one value"):
        sql.fetch("SELECT 1 WHERE 1 IN (%s)", [sql.Many([])])


@pytest.mark.parametrize("microsecond", [0, 123456])
def test_datetimes_compare_and_come_back_as_the_orm_stores_them(db, microsecond):
    from screening.models import NumberStatus

    moment = dt.datetime(2031, 3, 30, 0, 59, 30, microsecond, tzinfo=dt.UTC)
    NumberStatus.objects.create(number="+447700900001", opted_out_at=moment)
    found = sql.fetch(
        "SELECT number, opted_out_at FROM screening_numberstatus "
        "WHERE opted_out_at = %s AND opted_out_at < %s",
        [sql.at(moment), sql.at(moment + dt.timedelta(microseconds=1))],
    )
    assert [(n, sql.moment(at)) for n, at in found] == [("+447700900001", moment)]


def test_values_come_back_as_python_values():
    assert sql.moment(None) is None
    assert sql.moment("2031-03-30 00:59:30") == dt.datetime(2031, 3, 30, 0, 59, 30, tzinfo=dt.UTC)
    assert sql.flag(0) is False and sql.flag(1) is True and sql.flag(None) is None
    assert sql.json_value("[[1, 2]]") == [[1, 2]] and sql.json_value([[1, 2]]) == [[1, 2]]
