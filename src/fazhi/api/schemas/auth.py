"""Schemas of the token list, revocation and the password change for integrating systems."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from .common import Out


class TokenInfoOut(Out):
    id: int = Field(description="令牌编号")
    name: str = Field(description="令牌名称")
    scope: str = Field(description="权限：read 只读，write 读写")
    created_at: datetime = Field(description="签发时间")
    expires_at: datetime = Field(description="到期时间")


class RevokedOut(Out):
    revoked: int = Field(description="撤销的令牌数")


class PasswordIn(Schema):
    username: str = Field(description="用户名")
    password: str = Field(description="当前密码（如管理员发送的临时密码）")
    new_password: str = Field(description="新密码")
    otp: str = Field("", description="已启用双因素认证时的验证码")


class PasswordOut(Out):
    detail: str = Field(description="结果说明")
