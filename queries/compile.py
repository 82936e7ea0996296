"""Compile our DuckDB SQL into Spark SQL: the same files, never a second copy of a metric.

    python -m queries.compile --target spark [--out DIR] [--config PATH]

Every SQL file of SQL_FOLDERS (the model in data/model, the metric queries in queries/) is read and
compiled; a file that cannot be compiled is an error naming it (none is skipped). Steps:

1. Placeholders: the `{{name}}` values of data/model/31_macros.sql are written in from the definitions
   (data.ingest.build.setting_values, the ingest's own function); the range of known exchange rates,
   which the ingest writes in as dates, becomes the load-time parameters `fx_lo`/`fx_hi`.
2. Macros: `CREATE MACRO name(params) AS TABLE <select>` and `CREATE MACRO name(params) AS <expr>` are
   collected from every file. Spark has no macros, so every call is expanded: a table macro call in
   FROM/JOIN becomes a subquery, a scalar macro call its body, arguments substituted, recursively.
3. Parameters: `$as_of` stays a named parameter, written `:as_of` (Spark's marker), bound when the query
   runs (`spark.sql(sql, args=...)`), never formatted into the text.
4. Dialect: SQLGlot turns DuckDB SQL into Spark SQL; the few functions it does not map are mapped in
   queries/spark_dialect.py. Our SQL is written to need few of them (explicit DOUBLE casts in ratios,
   CROSS JOIN, portable functions).

Kinds of statement: `table` (CREATE TABLE ... AS SELECT, built on Spark), `ddl` and `insert` (a table
the load fills, partly in Python: compiled, but the Spark build reads it from the lake's source
namespace), `macro` (expanded at call sites) and `query` (a metric query).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp

from queries.spark_dialect import call_name, spark_fixes

ROOT = Path(__file__).resolve().parent.parent
# The SQL folders compiled, in build order: (layer, folder relative to the repository). The one place to
# change when the folders move.
SQL_FOLDERS: tuple[tuple[str, str], ...] = (("model", "data/model"), ("metrics", "queries"))
# Parameters of the load-time layer, bound by the runner from the built tables (not from the user).
LOAD_PARAMS = ("fx_lo", "fx_hi")
MAX_DEPTH = 30
KINDS = ("table", "view", "ddl", "insert", "macro", "query")


class CompileError(RuntimeError):
    """A SQL file that cannot be compiled; the message names it."""


@dataclass
class Macro:
    """A DuckDB macro: a table macro (its body a query) or a scalar one (an expression)."""

    name: str
    params: list[str]
    body: exp.Expr
    is_table: bool
    source: str


@dataclass
class Statement:
    """One compiled statement: its kind (KINDS), the table or query it makes, its Spark SQL and parameters."""

    kind: str
    name: str
    sql: str
    params: tuple[str, ...] = ()


@dataclass
class CompiledFile:
    """One SQL file as Spark SQL statements."""

    layer: str
    path: Path
    statements: list[Statement] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.stem

    def text(self) -> str:
        """The file as Spark SQL."""
        out = [f"-- Compiled for Spark from {self.path.relative_to(ROOT)} by python -m queries.compile; do not edit."]
        for st in self.statements:
            if st.kind == "macro":
                out.append(f"-- macro {st.name}: expanded at every call site (Spark has no macros)")
            elif st.kind == "table":
                out.append(f"CREATE TABLE {st.name} AS\n{st.sql};")
            elif st.kind == "view":
                out.append(f"CREATE OR REPLACE TEMPORARY VIEW {st.name} AS\n{st.sql};")
            elif st.kind == "insert":
                out.append(f"-- filled by the load; on Spark read from the lake\nINSERT INTO {st.name}\n{st.sql};")
            else:
                out.append(st.sql + ";")
        return "\n\n".join(out) + "\n"


def sql_files() -> list[tuple[str, Path]]:
    """(layer, path) of every SQL file compiled, in build order."""
    files: list[tuple[str, Path]] = []
    for layer, folder in SQL_FOLDERS:
        found = sorted((ROOT / folder).glob("*.sql"))
        if not found:
            raise CompileError(f"no SQL files in {folder} (SQL_FOLDERS in queries/compile.py)")
        files.extend((layer, p) for p in found)
    return files


def source_text(path: Path, values: dict[str, str]) -> str:
    """A SQL file's text with its {{placeholders}} written in (the ingest's own render)."""
    from data.ingest.build import render

    text = path.read_text(encoding="utf-8")
    return render(text, values) if "{{" in text else text


def placeholder_values(config_path: str | Path | None = None) -> dict[str, str]:
    """The placeholders' values for Spark: the definitions' settings, the exchange-rate range as parameters."""
    from data.config import load_definitions
    from data.ingest.build import setting_values

    return {"fx_first_day": "$fx_lo", "fx_last_day": "$fx_hi", **setting_values(load_definitions(config_path))}


def _parse(text: str, where: str) -> list[exp.Expr]:
    try:
        # an empty statement (a comment after the last `;`) is no SQL to compile
        return [e for e in sqlglot.parse(text, read="duckdb") if e is not None and not isinstance(e, exp.Semicolon)]
    except sqlglot.errors.SqlglotError as exc:
        raise CompileError(f"{where}: SQLGlot cannot parse it: {exc}") from exc


def _create_kind(e: exp.Expr) -> str:
    return str(e.args.get("kind", "")).upper() if isinstance(e, exp.Create) else ""


def _macro_of(e: exp.Expr, source: str) -> Macro | None:
    if _create_kind(e) != "MACRO":
        return None
    udf = e.this
    name = udf.this.name if isinstance(udf.this, exp.Table) else udf.name
    params = [p.name for p in udf.expressions]
    body = e.expression
    return Macro(name.lower(), params, body, isinstance(body, exp.Query), source)


def collect_macros(files: list[tuple[str, Path, str]]) -> dict[str, Macro]:
    """Every macro of the SQL files (layer, path, rendered text); a name defined twice is an error."""
    macros: dict[str, Macro] = {}
    for _, path, text in files:
        where = str(path.relative_to(ROOT))
        for e in _parse(text, where):
            m = _macro_of(e, where)
            if m:
                if m.name in macros:
                    raise CompileError(f"{where}: macro {m.name} is also defined in {macros[m.name].source}")
                macros[m.name] = m
    return macros


_KEEP_AS_IS = (exp.Column, exp.Literal, exp.Null, exp.Placeholder, exp.Paren)


def _substitute(body: exp.Expr, params: list[str], args: list[exp.Expr], where: str, name: str) -> exp.Expr:
    if len(args) != len(params):
        raise CompileError(f"{where}: {name}() takes {len(params)} argument(s), got {len(args)}")
    values = dict(zip(params, args, strict=True))
    new = body.copy()
    for col in [c for c in new.find_all(exp.Column) if not c.table and c.name in values]:
        arg = values[col.name].copy()
        col.replace(arg if isinstance(arg, _KEEP_AS_IS) else exp.Paren(this=arg))
    return new


_EXPANSIONS = itertools.count(1)


def _rename_ctes(body: exp.Expr, suffix: str) -> None:
    """Give the CTEs of an expanded table macro names of their own: Spark refuses two CTEs of one name in a
    statement (SQLGlot lifts nested CTEs to the top for Spark), and one macro may be expanded twice."""
    for cte in list(body.ctes) if isinstance(body, exp.Query) else []:
        old = cte.alias
        new = f"{old}__{suffix}"
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(new)))
        for t in body.find_all(exp.Table):
            if not t.args.get("db") and isinstance(t.this, exp.Identifier) and t.name == old:
                if not t.args.get("alias"):
                    t.set("alias", exp.TableAlias(this=exp.to_identifier(old)))
                t.set("this", exp.to_identifier(new))


def _expand_tables(tree: exp.Expr, macros: dict[str, Macro], where: str) -> bool:
    """One round: every table macro call in FROM/JOIN becomes its body as a subquery."""
    changed = False
    for table in list(tree.find_all(exp.Table)):
        name = call_name(table.this)
        if name is None:
            continue
        m = macros.get(name)
        if m is None or not m.is_table:
            raise CompileError(f"{where}: table function {name}() is neither a table macro of ours nor portable")
        body = _substitute(m.body, m.params, list(table.this.expressions), where, name)
        _rename_ctes(body, f"{name}_{next(_EXPANSIONS)}")
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(name))
        table.replace(exp.Subquery(this=body, alias=alias.copy()))
        changed = True
    return changed


def _expand_scalars(tree: exp.Expr, macros: dict[str, Macro], where: str) -> bool:
    """One round: every scalar macro call becomes its body (in parentheses)."""
    changed = False
    for node in list(tree.find_all(exp.Anonymous)):
        name = call_name(node)
        m = macros.get(name or "")
        if m is None or (m.is_table and isinstance(node.parent, exp.Table)):
            continue  # a table macro call inside a body just inserted: expanded on the next round
        if m.is_table:
            raise CompileError(f"{where}: table macro {name}() used as a scalar")
        body = _substitute(m.body, m.params, list(node.expressions), where, m.name)
        node.replace(body if isinstance(body, (exp.Column, exp.Literal, exp.Paren)) else exp.Paren(this=body))
        changed = True
    return changed


def expand(tree: exp.Expr, macros: dict[str, Macro], where: str) -> exp.Expr:
    """Expand every macro call in tree (table macros in FROM/JOIN, scalar macros anywhere), recursively."""
    for _ in range(MAX_DEPTH):
        changed = _expand_tables(tree, macros, where)
        changed = _expand_scalars(tree, macros, where) or changed
        if not changed:
            return tree
    raise CompileError(f"{where}: macros nest deeper than {MAX_DEPTH} levels (a macro calling itself?)")


def _unbound(tree: exp.Expr) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.name for p in tree.find_all(exp.Placeholder)))


def to_spark(tree: exp.Expr, macros: dict[str, Macro], where: str) -> tuple[str, tuple[str, ...]]:
    """Spark SQL text of one statement (macros expanded) and the parameters it takes."""
    tree = expand(tree.copy(), macros, where)
    left = sorted({n for n in (call_name(a) for a in tree.find_all(exp.Anonymous)) if n in macros})
    if left:
        raise CompileError(f"{where}: macro call(s) left unexpanded: {', '.join(left)}")
    tree = spark_fixes(tree, where, CompileError)
    try:
        sql = tree.sql(dialect="spark", pretty=True, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError as exc:
        raise CompileError(f"{where}: no Spark form: {exc}") from exc
    return sql, _unbound(tree)


def _table_name(e: exp.Expr) -> str:
    target = e.this
    while not isinstance(target, exp.Table) and target is not None and "this" in target.args:
        target = target.this
    return target.name if isinstance(target, exp.Table) else str(target)


def _ddl(e: exp.Expr, where: str) -> str:
    """A CREATE TABLE with columns as Spark DDL (constraints left out: Spark does not enforce them)."""
    e = e.copy()
    for c in list(e.find_all(exp.ColumnConstraint)):
        c.pop()
    try:
        return e.sql(dialect="spark", pretty=True, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError as exc:
        raise CompileError(f"{where}: no Spark form: {exc}") from exc


def compile_statement(e: exp.Expr, at: str, stem: str, macros: dict[str, Macro]) -> Statement:
    """One parsed statement as a compiled Statement; CompileError for a kind we do not compile."""
    m = _macro_of(e, at)
    if m:
        return Statement("macro", m.name, "")
    if _create_kind(e) == "TABLE":
        name = _table_name(e)
        if isinstance(e.expression, exp.Query):
            sql, params = to_spark(e.expression, macros, f"{at}, table {name}")
            return Statement("table", name, sql, params)
        return Statement("ddl", name, _ddl(e, at))
    if _create_kind(e) == "VIEW" and isinstance(e.expression, exp.Query):
        # a view (what one snapshot holds, read by the load's snapshot step): on Spark a temporary view
        name = _table_name(e)
        sql, params = to_spark(e.expression, macros, f"{at}, view {name}")
        return Statement("view", name, sql, params)
    if isinstance(e, exp.Insert) and isinstance(e.expression, exp.Query):
        sql, params = to_spark(e.expression, macros, f"{at}, insert")
        return Statement("insert", _table_name(e), sql, params)
    if isinstance(e, exp.Query):
        sql, params = to_spark(e, macros, at)
        return Statement("query", stem, sql, params)
    raise CompileError(f"{at}: only CREATE TABLE, CREATE VIEW, INSERT ... SELECT, CREATE MACRO and queries compile; got {e.key}")


def compile_file(layer: str, path: Path, text: str, macros: dict[str, Macro]) -> CompiledFile:
    """One SQL file as Spark SQL; CompileError names the file and the statement."""
    where = str(path.relative_to(ROOT))
    out = CompiledFile(layer, path)
    for i, e in enumerate(_parse(text, where), 1):
        out.statements.append(compile_statement(e, f"{where} (statement {i})", path.stem, macros))
    if not out.statements:
        raise CompileError(f"{where}: no statement found")
    return out


def compile_all(config_path: str | Path | None = None) -> list[CompiledFile]:
    """Every SQL file of SQL_FOLDERS compiled for Spark, in build order. Errors name every failing file."""
    values = placeholder_values(config_path)
    files = [(layer, p, source_text(p, values)) for layer, p in sql_files()]
    macros = collect_macros(files)
    out, errors = [], []
    for layer, path, text in files:
        try:
            out.append(compile_file(layer, path, text, macros))
        except CompileError as exc:
            errors.append(str(exc))
    if errors:
        raise CompileError(f"{len(errors)} SQL file(s) do not compile for Spark:\n" + "\n".join(errors))
    return out


def write_compiled(compiled: list[CompiledFile], out: Path) -> dict[str, int]:
    """Write one Spark SQL file per source file under out/<layer>/; statements per kind."""
    for cf in compiled:
        folder = out / cf.layer
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{cf.name}.sql").write_text(cf.text(), encoding="utf-8")
    return {k: sum(1 for cf in compiled for s in cf.statements if s.kind == k) for k in KINDS}


def main(argv: list[str] | None = None) -> int:
    """Command line: compile every SQL file, write them under --out; 1 (with the failing files named) on error."""
    parser = argparse.ArgumentParser(prog="python -m queries.compile", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--target", choices=["spark"], required=True)
    parser.add_argument("--out", default="build/spark-sql", help="folder for the compiled files (default build/spark-sql)")
    parser.add_argument("--config", default=None, help="definitions file (default definitions.toml)")
    args = parser.parse_args(argv)
    try:
        compiled = compile_all(args.config)
    except CompileError as exc:
        print(exc, file=sys.stderr)
        return 1
    kinds = write_compiled(compiled, Path(args.out))
    print(
        f"compiled {len(compiled)} SQL files into {args.out}: {kinds['table']} tables built, {kinds['query']} queries, "
        f"{kinds['ddl']} tables and {kinds['insert']} inserts filled by the load, {kinds['macro']} macros expanded"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
