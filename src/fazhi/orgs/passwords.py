"""Password policy with Chinese messages: length, character classes, not the user name,
not a common password. (Django's own messages are not all translated for 5.2.)"""

from __future__ import annotations

import string

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from fazhi.core.passwords import weakness

CLASSES = (
    ("小写字母", set(string.ascii_lowercase)),
    ("大写字母", set(string.ascii_uppercase)),
    ("数字", set(string.digits)),
)


def classes_in(password: str) -> int:
    found = sum(1 for _, chars in CLASSES if any(c in chars for c in password))
    return found + (1 if any(not c.isalnum() for c in password) else 0)


class PolicyValidator:
    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码至少 {self.min_length} 位（当前 {len(password)} 位）",
                code="password_too_short",
            )
        if classes_in(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类",
                code="password_classes",
            )
        username = (getattr(user, "username", "") or "").lower()
        if username and (username in password.lower() or password.lower() in username):
            raise ValidationError("密码不能包含用户名", code="password_has_username")
        names = (username, getattr(user, "display_name", "") or "")
        reason = weakness(password, names)
        if reason:
            raise ValidationError(reason, code="password_guessable")

    def get_help_text(self):
        return f"至少 {self.min_length} 位，包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类，不能包含用户名，不能有连续或键盘相邻的字符"


class CommonValidator(CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "该密码过于常见，容易被猜中，请换一个", code="password_too_common"
            ) from None

    def get_help_text(self):
        return "不能是常见密码"
