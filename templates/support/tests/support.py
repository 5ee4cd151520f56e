{% include "support/header.py" %}
"""Helpers for the generated API tests."""

import itertools
import json
import re
from typing import Any

from httpx import AsyncClient, Response

_counter = itertools.count(1)


def unique_text(
    prefix: str,
    min_length: int = 0,
    max_length: int = 255,
) -> str:
    """A text no other call returns, ``min_length``..``max_length`` long."""
    suffix = f"-{next(_counter)}"
    text = prefix.ljust(max(min_length - len(suffix), 0), "x") + suffix
    return text[-max_length:]


def unique_int(low: int, high: int) -> int:
    """An integer in ``low..high`` that no other call returns (while room)."""
    return low + next(_counter) % (high - low + 1)


def unique_like(example: str, pattern: str) -> str:
    """A value shaped like ``example`` that no other call returns.

    The digits of ``example`` are replaced, from the right, by those of a
    counter; if the result no longer matches ``pattern``, the example itself
    is returned.
    """
    number = next(_counter)
    chars = list(example)
    for index in reversed(range(len(chars))):
        if chars[index].isdigit():
            chars[index] = str(number % 10)
            number //= 10
            if number == 0:
                break
    candidate = "".join(chars)
    return candidate if re.search(pattern, candidate) else example


def unique_email(prefix: str = "user") -> str:
    """An e-mail address that no other call returns."""
    return f"{prefix}{next(_counter)}@example.com"


def assert_error(
    response: Response,
    status_code: int,
    code: str,
) -> dict[str, Any]:
    """Check the status and the error envelope; return the ``error`` part."""
    assert response.status_code == status_code, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] == code, error
    return error


def error_locations(response: Response) -> list[list[str | int]]:
    """The ``loc`` of every detail of a validation error response."""
    error = assert_error(response, 422, "validation_error")
    details = error["details"] or []
    return [detail["loc"] for detail in details]


async def send_json(
    client: AsyncClient,
    method: str,
    url: str,
    payload: Any,
) -> Response:
    """Send ``payload`` as JSON, NaN/Infinity included (httpx refuses)."""
    return await client.request(
        method,
        url,
        content=json.dumps(payload, allow_nan=True),
        headers={"content-type": "application/json"},
    )


async def list_ids(
    client: AsyncClient,
    url: str,
    params: dict[str, Any],
) -> list[Any]:
    """The ids of the items a list request returns, in order."""
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]
