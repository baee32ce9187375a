"""Sign-in throttling (django-axes): lock-out after repeated failures per account and per address.

Only sign-ins through a request are throttled: the test client's ``login`` and scripts that call
``authenticate`` without a request (the CLI) have no address to count, so the throttling backend
stands aside for them and the model backend answers alone.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class ThrottledSignIn(AxesStandaloneBackend):
    """django-axes' backend, first in AUTHENTICATION_BACKENDS: refuses a locked-out account or address."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
