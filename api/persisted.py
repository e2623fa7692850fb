"""Persisted documents: Apollo's automatic persisted queries, and a mode serving only registered ones.

A client sends `extensions.persistedQuery = {"version": 1, "sha256Hash": …}`, first without the
query; on `PersistedQueryNotFound` it sends the query with the hash, which this process then
remembers (a bounded cache per process: another process simply asks for the text once more).

Registered documents are a release's front ends' operations, written by `onewindow persist FILE…`
into a JSON file (`ONEWINDOW_PERSISTED_DOCUMENTS`, `{sha256: document}`), deployed with the
release like its configuration. With `ONEWINDOW_PERSISTED_ONLY=true` nothing else runs. The file
is read again when it changed, on the first hash it does not know, so `persist` needs no restart.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from pathlib import Path

from graphql import GraphQLError, parse, validate

AUTOMATIC_CACHE = 1000  # distinct documents remembered per process


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def graphql_error(self) -> GraphQLError:
        return GraphQLError(self.message, extensions={"code": self.code})


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class RegisteredDocuments:
    """The `{sha256: document}` file, re-read when its modification time changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime: float | None = None
        self._documents: dict[str, str] = {}

    def get(self, sha256: str) -> str | None:
        found = self._documents.get(sha256)
        if found is None and self._reload():
            found = self._documents.get(sha256)
        return found

    def _reload(self) -> bool:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        if mtime == self._mtime:
            return False
        self._documents = read_documents(self.path)
        self._mtime = mtime
        return True


def read_documents(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    documents = json.loads(path.read_text(encoding="utf-8"))
    return {sha: text for sha, text in documents.items() if document_hash(text) == sha}


def register(path: Path, documents: list[str], schema) -> list[str]:
    """Add documents (each parsed and validated against the schema) to the file; their hashes.

    Raises ValueError naming the first document that is not valid; nothing is written then.
    """
    added = {}
    for number, text in enumerate(documents, 1):
        try:
            errors = validate(schema, parse(text))
        except GraphQLError as error:
            raise ValueError(f"document {number}: {error.message}") from error
        if errors:
            raise ValueError(f"document {number}: {errors[0].message}")
        added[document_hash(text)] = text
    merged = {**read_documents(path), **added}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(merged, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)  # processes reading it see the old file or the new, never half
    return list(added)


class PersistedQueries:
    def __init__(self, registered_path: Path, only_registered: bool = False) -> None:
        self.registered = RegisteredDocuments(registered_path)
        self.only_registered = only_registered
        self._automatic: OrderedDict[str, str] = OrderedDict()

    def resolve(self, query: str | None, extensions: dict | None) -> str | None:
        """The document to run, or PersistedQueryError with an Apollo-compatible code."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if self.only_registered and query is not None and self.registered.get(document_hash(query)) is None:
                raise PersistedQueryError(
                    "PERSISTED_QUERY_NOT_REGISTERED", "this server runs only registered documents (onewindow persist)"
                )
            return query
        sha256 = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(persisted, dict) or persisted.get("version") != 1 or not isinstance(sha256, str):
            raise PersistedQueryError(
                "PERSISTED_QUERY_INVALID", "extensions.persistedQuery needs version 1 and a sha256Hash string"
            )
        sha256 = sha256.lower()
        if query is None:
            found = self.registered.get(sha256) or self._automatic_get(sha256)
            if found is None:
                # Apollo clients match this message and code, then send the query with its hash.
                raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            return found
        if document_hash(query) != sha256:
            raise PersistedQueryError("PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query")
        if self.registered.get(sha256) is None:
            if self.only_registered:
                raise PersistedQueryError(
                    "PERSISTED_QUERY_NOT_REGISTERED", "this server runs only registered documents (onewindow persist)"
                )
            self._automatic[sha256] = query
            if len(self._automatic) > AUTOMATIC_CACHE:
                self._automatic.popitem(last=False)
        return query

    def _automatic_get(self, sha256: str) -> str | None:
        if self.only_registered:
            return None
        found = self._automatic.get(sha256)
        if found is not None:
            self._automatic.move_to_end(sha256)
        return found
