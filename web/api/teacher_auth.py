"""Who the teacher is: the Mini App's initData of their account, or one of their API keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.domain.errors import InvalidInput, NotATeacher, NotFound
from bot.services import api_keys
from web.api.auth import credentials, mini_app_user, unauthorized
from web.api.context import API
from web.api.problems import LANGUAGE, Problem, invalid, not_found

BEARER = "bearer"
# Both proofs the teacher endpoints take, so a client learns it may send either.
CHALLENGES = {"WWW-Authenticate": 'tma, Bearer realm="lessonlink"'}


def key_refused() -> Problem:
    """401: the API key is not one we know, or it was revoked."""
    return Problem(
        401,
        "api-key-invalid",
        lambda: _("This API key is unknown or was revoked."),
        headers=CHALLENGES,
    )


def not_a_teacher() -> Problem:
    """403: a person proven by Telegram who does not teach here."""
    return Problem(
        403,
        "not-a-teacher",
        lambda: _("This is for teachers. Register with /teach in the chat first."),
    )


async def teacher_account(request: web.Request) -> int:
    """The Telegram account of the teacher the request proves; spends their rate limit.

    401 without a proof or with an unknown or revoked key (refused at once: the key is looked
    up on every request), 429 past the limit per key or per teacher.
    """
    ctx = request.app[API]
    given = credentials(request)
    if given is not None and given[0] == BEARER:
        owner = await api_keys.owner_of(ctx.deps, given[1])
        if owner is None:
            raise key_refused()
        if owner.language:
            request[LANGUAGE] = ctx.i18n.pick(owner.language)
        await ctx.per_credential.check(f"api-key:{owner.key_id}")
        return owner.telegram_id
    user = mini_app_user(request)
    if user is None:
        problem = unauthorized()
        problem.headers.update(CHALLENGES)
        raise problem
    await ctx.per_credential.check(f"teacher:{user.id}")
    return user.id


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the teacher services' refusals into problems: not a teacher, not theirs, bad input."""
    try:
        yield
    except NotATeacher:
        raise not_a_teacher() from None
    except NotFound:
        raise not_found() from None
    except InvalidInput as bad:
        raise invalid(bad.what, lambda: _("This value is not accepted here.")) from None
