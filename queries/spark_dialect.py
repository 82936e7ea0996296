"""The DuckDB functions SQLGlot leaves as they are, rewritten into their Spark equivalents (used by queries.compile).

Kept short on purpose: where a portable form exists, our SQL uses it instead of a rewrite here.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

Fix = Callable[[exp.Expr, str, type[Exception]], exp.Expr]


def call_name(node: exp.Expr | None) -> str | None:
    """The lower-case name of a function SQLGlot does not know (ours or DuckDB's), else None."""
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return None


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _timezone(node: exp.Expr, where: str, error: type[Exception]) -> exp.Expr:
    # timezone(zone, timezone('UTC', ts)): a UTC timestamp as local time in zone
    if call_name(node):
        zone, inner = node.expressions
    else:
        zone, inner = node.args.get("target_tz"), node.args.get("timestamp")
    if call_name(inner) == "timezone" and inner.expressions[0].name.upper() == "UTC":
        return _fn("from_utc_timestamp", inner.expressions[1], zone)
    if isinstance(inner, exp.ConvertTimezone) and str(inner.args.get("target_tz", "")).strip("'").upper() == "UTC":
        return _fn("from_utc_timestamp", inner.args["timestamp"], zone)
    raise error(f"{where}: timezone() is only portable as timezone(zone, timezone('UTC', ts))")


def _to_months(node: exp.Expr, _where: str, _error: type[Exception]) -> exp.Expr:
    return _fn("make_ym_interval", exp.Literal.number(0), node.expressions[0])


def _to_days(node: exp.Expr, _where: str, _error: type[Exception]) -> exp.Expr:
    return _fn("make_dt_interval", node.expressions[0] if call_name(node) else node.this)


def _list_position(node: exp.Expr, _where: str, _error: type[Exception]) -> exp.Expr:
    # DuckDB answers NULL when absent, Spark's array_position 0
    return exp.Nullif(this=_fn("array_position", *node.expressions), expression=exp.Literal.number(0))


_BY_NAME: dict[str, Fix] = {
    "timezone": _timezone,
    "to_months": _to_months,
    "to_days": _to_days,
    "list_position": _list_position,
}
_BY_TYPE: tuple[tuple[type[exp.Expr], Fix], ...] = (
    (exp.ConvertTimezone, _timezone),
    (exp.ToDays, _to_days),
)


def _fix(node: exp.Expr, where: str, error: type[Exception]) -> exp.Expr:
    fix = _BY_NAME.get(call_name(node) or "")
    if fix is None:
        fix = next((f for t, f in _BY_TYPE if isinstance(node, t)), None)
    if fix is None and isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
        return _fn("percentile", node.this, node.expression)
    return fix(node, where, error) if fix else node


def spark_fixes(tree: exp.Expr, where: str, error: type[Exception]) -> exp.Expr:
    """The tree with the DuckDB-only functions SQLGlot does not map rewritten for Spark; error for one with no form."""
    return tree.transform(lambda node: _fix(node, where, error))
