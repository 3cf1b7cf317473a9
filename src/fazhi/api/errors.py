"""One error shape for every endpoint: {"detail": message, "field": name?}; when several
inputs were refused at once, also "errors": [{"field", "detail"}, …] (the first is the above)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fazhi.core.errors import ConflictError, RuleError

PYDANTIC_MESSAGES = {
    "missing": "缺少必填字段",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "string_type": "必须是文字",
    "bool_type": "必须是 true 或 false",
    "bool_parsing": "必须是 true 或 false",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体格式不正确",
    "dict_type": "请求体必须是 JSON 对象",
    "model_type": "请求体必须是 JSON 对象",
}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(RuleError)
    def _rule(request, exc: RuleError):
        body = {"detail": exc.message, "field": exc.field}
        many = getattr(exc, "errors", {})
        if len(many) > 1:  # a form's every refusal: the first as above, all of them here
            body["errors"] = [{"field": f, "detail": m} for f, m in many.items()]
        return api.create_response(request, body, status=422)

    @api.exception_handler(ConflictError)
    def _conflict(request, exc: ConflictError):
        return api.create_response(request, {"detail": exc.message}, status=409)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        message = str(exc) if exc.args else "不存在或无权查看"
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc) or "无权执行该操作"}, status=403)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return api.create_response(
            request, {"detail": "未登录或令牌无效，请先获取令牌"}, status=401
        )

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        # ninja raises HttpError(400) for a body that is not JSON: a malformed input, so 422.
        if exc.status_code == 400:
            return api.create_response(request, {"detail": "请求体不是有效的 JSON"}, status=422)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        loc = [
            str(p) for p in first.get("loc", []) if p not in ("body", "payload", "query", "path")
        ]
        field = ".".join(loc)
        message = PYDANTIC_MESSAGES.get(first.get("type", ""), "格式不正确")
        return api.create_response(
            request,
            {"detail": f"{field}：{message}" if field else message, "field": field},
            status=422,
        )
