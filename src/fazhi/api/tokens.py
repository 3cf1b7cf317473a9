"""Token management and password change for integrating systems (no browser needed)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from fazhi.orgs import tokens

router = Router(tags=["auth"])


class ErrorOut(Schema):
    detail: str = Field(description="中文错误说明")
    field: str = Field("", description="出错的字段")


class TokenInfoOut(Schema):
    id: int = Field(description="令牌编号")
    name: str = Field(description="令牌名称")
    scope: str = Field(description="权限：read 只读，write 读写")
    created_at: datetime = Field(description="签发时间")
    expires_at: datetime = Field(description="到期时间")


class RevokedOut(Schema):
    revoked: int = Field(description="撤销的令牌数")


class PasswordIn(Schema):
    username: str = Field(description="用户名")
    password: str = Field(description="当前密码（如管理员发送的临时密码）")
    new_password: str = Field(description="新密码")
    otp: str = Field("", description="已启用双因素认证时的验证码")


class PasswordOut(Schema):
    detail: str = Field(description="结果说明")


@router.get("/tokens", response=list[TokenInfoOut])
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


@router.delete("/tokens", response=RevokedOut)
def revoke_all(request):
    """撤销本人的全部令牌（包括本次请求所用的令牌）。"""
    return {"revoked": tokens.revoke_own(request.user)}


@router.delete("/tokens/{int:token_id}", response={200: RevokedOut, 404: ErrorOut})
def revoke_one(request, token_id: int):
    """撤销本人的一个令牌；他人的令牌答 404。"""
    if not tokens.revoke_own(request.user, token_id):
        return Status(404, {"detail": "令牌不存在或无权查看"})
    return {"revoked": 1}


@router.post(
    "/password",
    response={200: PasswordOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    auth=None,
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
