"""What the OpenAPI description says of one answer: shared by the student and teacher checks."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from tests.api.conftest import Reply


def _template(doc: dict[str, Any], path: str) -> str:
    """The described path a concrete one matches ({token} matches one segment)."""
    for template in doc["paths"]:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return template
    raise AssertionError(f"{path} is not described")


def check_as_described(doc: dict[str, Any], method: str, path: str, got: Reply) -> None:
    """The answer's body matches the schema described for its path, method and status."""
    operation = doc["paths"][_template(doc, path.split("?")[0])][method]
    response = operation["responses"][str(got.status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    if got.status < 400 and "image/png" in response["content"]:
        assert got.headers["Content-Type"] == "image/png"
        return
    media = "application/problem+json" if got.status >= 400 else "application/json"
    schema = {**response["content"][media]["schema"], "components": doc["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(got.body), key=str)
    assert not errors, (method, path, [e.message for e in errors])
