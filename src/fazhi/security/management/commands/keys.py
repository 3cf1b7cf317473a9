"""fazhi keys init | status | rotate [--index] [--resume] | retire KEY_ID"""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.crypto import CryptoError
from fazhi.security import keys


def _operator() -> str:
    try:
        return f"命令行:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name (container without passwd entry)
        return "命令行"


def _audit(action: str, **after) -> None:
    from fazhi.audit.services import record

    record(
        _operator(),
        action,
        object_type="security.keyring",
        object_id=after.get("key", ""),
        after=after,
    )


class Command(BaseCommand):
    help = "个人信息加密密钥（SM4 数据密钥、SM3 盲索引密钥）：init 生成、status 状态、rotate 轮换、retire 退役"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="若无密钥则生成密钥文件（便于先行备份）")
        sub.add_parser("status", help="列出密钥编号、当前密钥、各密钥加密的数据量")
        rot = sub.add_parser("rotate", help="新增当前数据密钥并重新加密全部个人信息")
        rot.add_argument("--index", action="store_true", help="同时轮换盲索引密钥并重算全部盲索引")
        rot.add_argument(
            "--resume", action="store_true", help="不新增密钥，只完成未完成的重新加密（可重复运行）"
        )
        rot.add_argument(
            "--batch-size", type=int, default=500, help="每个事务处理的记录数（默认 500）"
        )
        rot.add_argument("--progress", action="store_true", help="每批完成后输出进度")
        ret = sub.add_parser("retire", help="退役不再使用的旧密钥（仍有数据使用时拒绝）")
        ret.add_argument("key_id", metavar="KEY_ID")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"do_{action}")(**opts)
        except CryptoError as exc:
            raise CommandError(str(exc)) from None

    def do_init(self, **opts):
        ring, created = keys.init()
        if created:
            _audit("keys.init", key=ring.current, index_key=ring.index_current)
            self.stdout.write(
                f"已生成{keys.key_source()}（权限 600）。请立即将其与数据库分开备份。"
            )
        else:
            self.stdout.write(f"密钥已存在：{keys.key_source()}")
        self._describe(ring)

    def do_status(self, **opts):
        if not keys.from_environment() and not keys.key_file().exists():
            self.stdout.write(
                f"{keys.key_source()} 尚未生成（首次保存个人信息或运行 fazhi keys init 时生成）"
            )
            return
        ring = keys.get_keyring(create=False)
        self.stdout.write(f"来源：{keys.key_source()}")
        self._describe(ring)

    def _describe(self, ring):
        usage = keys.usage(ring)
        data_use = {kid: sum(u.by_key.get(kid, 0) for u in usage) for kid in ring.keys}
        index_use = {kid: sum(u.by_index_key.get(kid, 0) for u in usage) for kid in ring.index_keys}

        def line(kid, current, count, what):
            mark = "（当前）" if current else ""
            created = ring.created.get(kid, "")
            when = f"  生成于 {created}" if created else ""
            return f"  {kid}{mark}  指纹 {ring.fingerprint(kid)}  {what} {count}{when}"

        self.stdout.write("数据密钥（SM4-GCM）：")
        for kid in sorted(ring.keys, key=_id_order):
            self.stdout.write(line(kid, kid == ring.current, data_use[kid], "加密值"))
        self.stdout.write("索引密钥（HMAC-SM3 盲索引）：")
        for kid in sorted(ring.index_keys, key=_id_order):
            self.stdout.write(line(kid, kid == ring.index_current, index_use[kid], "索引值"))
        if ring.retired:
            self.stdout.write(f"已退役：{'、'.join(ring.retired)}")
        self.stdout.write("加密字段：")
        if not usage:
            self.stdout.write("  （无）")
        pending = 0
        for u in usage:
            keys_text = (
                "，".join(
                    f"{kid} {n}"
                    for kid, n in sorted(u.by_key.items(), key=lambda kv: _id_order(kv[0]))
                    if n
                )
                or "—"
            )
            extra = f"，无法识别 {u.other}" if u.other else ""
            stale = f"，索引待重算 {u.index_stale}" if u.index_stale else ""
            self.stdout.write(f"  {u.label}：{u.total} 个值（{keys_text}{extra}{stale}）")
            pending += u.total - u.by_key.get(ring.current, 0) + u.index_stale
        if pending:
            self.stdout.write(
                f"有 {pending} 处仍使用旧密钥：运行 fazhi keys rotate --resume 完成轮换"
            )

    def do_rotate(self, *, index, resume, batch_size, progress=False, **opts):
        if resume and index:
            raise CommandError(
                "--resume 不新增密钥，不能与 --index 同用；--resume 会自动完成未完成的索引重算"
            )
        report = self.stdout.write if progress else None
        result = keys.rotate(index=index, resume=resume, batch_size=batch_size, progress=report)
        _audit(
            "keys.rotate",
            key=result.data_key,
            index_key=result.index_key,
            added=result.added,
            reencrypted=result.reencrypted,
            reindexed=result.reindexed,
            failed=len(result.failed),
        )
        if result.added:
            self.stdout.write(
                f"已新增密钥 {'、'.join(result.added)} 并写入{keys.key_source()}；请重新备份密钥文件。"
            )
        for label, (reenc, reidx) in result.per_field.items():
            self.stdout.write(f"  {label}：重新加密 {reenc}，重算索引 {reidx}")
        self.stdout.write(
            f"完成：当前数据密钥 {result.data_key}，索引密钥 {result.index_key}；"
            f"重新加密 {result.reencrypted} 个值，重算 {result.reindexed} 个索引，"
            f"运行期间被他人修改而跳过 {result.changed_meanwhile} 个"
        )
        if result.failed:
            for label, pk, reason in result.failed[:20]:
                self.stderr.write(f"  {label} 主键 {pk}：{reason}")
            raise CommandError(
                f"{len(result.failed)} 个值无法解密，未能重新加密（见上）；旧密钥暂不能退役"
            )

    def do_retire(self, *, key_id, **opts):
        was_data_key = key_id in keys.get_keyring(create=False).keys
        keys.retire(key_id)
        _audit("keys.retire", key=key_id)
        self.stdout.write(f"密钥 {key_id} 已退役，已从{keys.key_source()}中删除（编号不再使用）。")
        if was_data_key:
            self.stdout.write(
                "注意：用该密钥加密的旧数据库备份将无法解密；如需保留，请另行离线保管退役前的密钥文件。"
            )
        else:
            self.stdout.write(
                "注意：旧数据库备份中用该密钥计算的盲索引将无法用于查找（恢复后运行 fazhi keys rotate --resume 重算）。"
            )


def _id_order(kid: str):
    digits = "".join(ch for ch in kid if ch.isdigit())
    return (kid.rstrip("0123456789"), int(digits) if digits else 0, kid)
