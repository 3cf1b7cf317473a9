"""Token management and password change for integrating systems (no browser needed)."""

from __future__ import annotations

from ninja import Router, Status

from fazhi.orgs import tokens

from .schemas.auth import PasswordIn, PasswordOut, RevokedOut, TokenInfoOut
from .schemas.common import errors

router = Router(tags=["auth"])


@router.get(
    "/tokens", response={200: list[TokenInfoOut], **errors(401, 403)}, summary="本人的访问令牌"
)
def list_tokens(request):
    """本人未过期的令牌（不含令牌本身，只有其名称、权限和有效期）。"""
    return [
        {
            "id": t.pk,
            "name": t.name,
            "scope": t.scope,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
        }
        for t in tokens.own_tokens(request.user)
    ]


@router.delete(
    "/tokens", response={200: RevokedOut, **errors(401, 403)}, summary="撤销本人的全部令牌"
)
def revoke_all(request):
    """撤销本人的全部令牌（包括本次请求所用的令牌）。"""
    return {"revoked": tokens.revoke_own(request.user)}


@router.delete(
    "/tokens/{int:token_id}",
    response={200: RevokedOut, **errors(401, 403, 404)},
    summary="撤销本人的一个令牌",
)
def revoke_one(request, token_id: int):
    """撤销本人的一个令牌；他人的令牌答 404。"""
    if not tokens.revoke_own(request.user, token_id):
        return Status(404, {"detail": "令牌不存在或无权查看"})
    return {"revoked": 1}


@router.post(
    "/password",
    response={200: PasswordOut, **errors(401, 403, 422, 429)},
    auth=None,
    summary="修改密码（对接系统用，无需浏览器）",
)
def change_password(request, payload: PasswordIn):
    """用当前密码（含临时密码）修改密码；修改后本人的全部令牌失效。"""
    try:
        tokens.change_password_by_api(
            request, payload.username, payload.password, payload.new_password, payload.otp
        )
    except tokens.SignInRefused as exc:
        return Status(exc.status, exc.body())
    return {"detail": "密码已修改，原有令牌已全部失效"}
