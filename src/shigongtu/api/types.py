"""The API's bounded field types: the same bounds as the field tables (``shigongtu.lib.bounds``).

pydantic enforces them before a handler runs (422 naming the field or parameter) and the
OpenAPI document publishes them (``minimum``/``maximum``/``maxLength``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from shigongtu.lib import bounds

Day = Annotated[dt.date, Field(ge=bounds.MIN_DATE, le=bounds.MAX_DATE)]
Id = Annotated[int, Field(ge=1, le=bounds.MAX_VERSION)]  # a row's id in a path
Version = Annotated[int, Field(ge=1, le=bounds.MAX_VERSION)]
Limit = Annotated[int, Field(ge=1, le=1000)]
Offset = Annotated[int, Field(ge=0, le=bounds.MAX_OFFSET)]
PageNo = Annotated[int, Field(ge=1, le=bounds.MAX_OFFSET)]
PageSize = Annotated[int, Field(ge=1, le=200)]
Depth = Annotated[int, Field(ge=0, le=20)]
Year = Annotated[int, Field(ge=bounds.MIN_DATE.year, le=bounds.MAX_DATE.year)]
Number = Annotated[Decimal, Field(ge=-bounds.MAX_NUMBER, le=bounds.MAX_NUMBER, allow_inf_nan=False)]
Amount = Annotated[Decimal, Field(ge=0, le=bounds.MAX_AMOUNT, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=bounds.MAX_TEXT)]
Name = Annotated[str, Field(max_length=200)]
Code = Annotated[str, Field(max_length=50)]
Period = Annotated[str, Field(max_length=20)]


class ErrorOut(Schema):
    """Every refusal's shape: ``detail`` is a message, or a list of ``{field, message, value}``."""

    detail: object
    current_version: int | None = None


# What an operation may answer besides its success (declared on every operation by api.urls).
READ_ERRORS = (400, 401, 403, 404, 422)
WRITE_ERRORS = (*READ_ERRORS, 409)
EDIT_ERRORS = WRITE_ERRORS  # a missing version is a 422 naming ``version``
