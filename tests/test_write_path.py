"""One way to write (docs/architecture.md): no ORM write anywhere in the application's code.

Every write is a statement a service queues or runs through the unit of work
(domain/unit_of_work.py), which the database strategies in api/persistence send. An ORM call
that writes (`Model.create`, `bulk_create`, `instance.save()`, `QuerySet.update()` …) would be
a second way, with its own transaction and commit: this walk fails on one."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "resolvers", "subscriptions", "domain")
# The strategies run the unit of work's statements: the one place below the unit of work.
EXEMPT = ("api/persistence/",)
# Methods only Tortoise's models and querysets write with (no other object in the code has them).
ORM_WRITES = frozenset(
    {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "select_for_update", "save", "delete"}
)
# Names also used by other objects: a write only on a queryset (`Model.filter(...).update(...)`).
QUERYSET_WRITES = frozenset({"update", "delete"})
# (file, receiver.method) that are not the ORM's, each with its reason.
NOT_ORM = {
    ("api/pdf.py", "canvas.save"),  # reportlab's canvas writes the PDF page
}


def _receiver(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def orm_writes(path: Path, relative: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        on_queryset = (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Attribute)
            and receiver.func.attr in ("filter", "exclude", "all", "using_db")
        )
        if method in ORM_WRITES or (method in QUERYSET_WRITES and on_queryset):
            name = f"{_receiver(receiver)}.{method}"
            if (relative, name) not in NOT_ORM:
                found.append((node.lineno, f"{relative}:{node.lineno} {name}(…)"))
    return [text for _, text in sorted(found)]


def test_no_orm_write_outside_the_unit_of_work():
    wrong = [
        finding
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if not (relative := path.relative_to(ROOT).as_posix()).startswith(EXEMPT)
        for finding in orm_writes(path, relative)
    ]
    assert wrong == []


def test_the_walk_sees_orm_writes(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "async def f(rows, values):\n"
        "    await AccessRecord.bulk_create(rows)\n"
        "    await Property.filter(id=1).update(status='SOLD')\n"
        "    await row.save()\n"
        "    values.update(a=1)\n",  # a dict: not a write
        encoding="utf-8",
    )
    assert [f.split(" ", 1)[1] for f in orm_writes(sample, "sample.py")] == [
        "AccessRecord.bulk_create(…)",
        "Property.filter(id=1).update(…)",
        "row.save(…)",
    ]
