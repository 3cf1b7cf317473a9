"""YAML files with line numbers: what the scoring-table format (`fazhi.frameworks.schema`)
and the work-plan format (`fazhi.workplan.schema`) share.

Pure Python + PyYAML, no Django. A file is composed to nodes, never loaded to Python
objects, so every problem can name its line. `Doc` collects the problems of one file;
each comes out as one line `PATH:LINE: message` (Chinese, for whoever edits the file),
and all are collected: one bad entry must not hide the next. The only I/O is `Doc.read`,
which reads the file the messages are about.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
NULL = "tag:yaml.org,2002:null"

CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]*")  # the file's own `code:`

Keys = dict[str, tuple[Node, Node]]  # key name -> (key node, value node)


def line(node: Node) -> int:
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


def string(node: Node) -> str | None:
    """A string scalar, stripped; None for anything else (numbers, null, collections)."""
    if isinstance(node, ScalarNode) and node.tag == STR:
        return node.value.strip()
    return None


def optional_string(node: Node) -> str | None:
    """Like `string`, but null (an empty value) gives ""."""
    return "" if is_null(node) else string(node)


def sm3_json(canonical: dict) -> str:
    """SM3 over canonical JSON: same content, same digest, whatever the layout or comments."""
    body = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.new("sm3", body.encode("utf-8")).hexdigest()


class Doc:
    """Collects errors and warnings (with lines) for one file.

    A format subclasses it and sets `doc_name` (what the file holds, for messages) and
    `max_depth` (how deep its entries may nest).
    """

    doc_name = ""
    max_depth = 0

    def __init__(self, path: str):
        self.path = path
        self.errors: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self.seen: set[int] = set()  # ids of entry nodes: an alias must not loop or repeat entries

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def lines(self, entries: list[tuple[int, str]]) -> list[str]:
        # Sorted by line (stable) so messages read in file order; newlines folded so
        # each problem stays one line even when it quotes a multi-line key or value.
        ordered = sorted(entries, key=lambda e: e[0])
        return [
            f"{self.path}:{line}: {' '.join(message.splitlines())}" for line, message in ordered
        ]

    def read(self, path: str | Path) -> str | None:
        """The file's text (UTF-8), or None once the reason it cannot be had is reported."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.error(1, f"无法读取文件（{exc.strerror or exc.__class__.__name__}）")
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.error(data.count(b"\n", 0, exc.start) + 1, "文件不是 UTF-8 编码")
            return None

    def document(self, text: str, top_keys: tuple[str, ...]) -> tuple[int, Keys] | None:
        """The line and the keys of the top-level mapping; None once it is reported that
        the text is no YAML, is empty or is not a mapping. Unknown top-level keys are
        reported, not dropped from the result."""
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.error(
                mark.line + 1 if mark else 1, f"YAML 语法错误（{exc.problem or exc.context}）"
            )
            return None
        except (
            yaml.reader.ReaderError
        ) as exc:  # a control character; PyYAML gives a position, not a line
            char = (
                f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
            )
            self.error(text.count("\n", 0, exc.position) + 1, f"含有 YAML 不允许的字符 {char}")
            return None
        except yaml.YAMLError as exc:
            self.error(1, f"YAML 无法读取（{exc}）")
            return None
        except RecursionError:
            self.error(1, "YAML 嵌套层级过深")
            return None
        if root is None:
            self.error(1, f"文件为空，缺少{self.doc_name}内容")
            return None
        keys = self.mapping(root, "文件顶层")
        if keys is None:
            return None
        for name, (k, _) in keys.items():
            if name not in top_keys:
                self.error(line(k), f'未知的顶层键 "{name}"（可用：{"、".join(top_keys)}）')
        return line(root), keys

    def mapping(self, node: Node, what: str) -> Keys | None:
        """Key name -> (key node, value node); reports non-mappings and duplicate keys
        (PyYAML would silently keep the last one)."""
        if not isinstance(node, MappingNode):
            self.error(line(node), f"{what}必须是映射（键: 值）")
            return None
        out: Keys = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                self.error(line(k), f"{what}的键必须是字符串")
                continue
            if k.value in out:
                self.error(
                    line(k),
                    f'{what}的键 "{k.value}" 重复（首次出现在第 {line(out[k.value][0])} 行）',
                )
                continue
            out[k.value] = (k, v)
        return out

    def unknown_keys(self, keys: Keys, allowed: tuple[str, ...], who: str) -> None:
        """Report every key of an entry that is not in `allowed`; `who` names the entry."""
        for name, (k, _) in keys.items():
            if name not in allowed:
                self.error(line(k), f'{who}含未知的键 "{name}"（可用：{"、".join(allowed)}）')

    def entry(self, node: Node, noun: str, depth: int) -> Keys | None:
        """The keys of one entry (an indicator, a task) at nesting `depth`, or None once it
        is reported as repeated through an alias, nested too deep or not a mapping."""
        at = line(node)
        if id(node) in self.seen:
            self.error(at, f"同一{noun}被重复引用（{self.doc_name}中不支持 YAML 锚点/别名）")
            return None
        self.seen.add(id(node))
        if depth > self.max_depth:
            self.error(at, f"{noun}层级过深（最多 {self.max_depth} 级）")
            return None
        return self.mapping(node, noun)

    def title(self, keys: Keys, who: str, at: int) -> str:
        """An entry's title, which it must have and must not leave empty; "" once reported.
        `who` names the entry and `at` is its line."""
        if "title" not in keys:
            self.error(at, f"{who}缺少 title")
            return ""
        k, v = keys["title"]
        title = string(v) or ""
        if not title:
            self.error(line(k), f"{who}的 title 必须是非空字符串")
        return title

    def field(
        self,
        keys: Keys,
        name: str,
        convert: Callable[[Node], Any],
        message: str,
        *,
        required_at: int | None = None,
    ) -> Any:
        """`convert` of the value under `name`, or None when the key is absent or `convert`
        gives None. Reports `message` at the key for a bad value and, with `required_at`,
        a missing key at that line."""
        if name not in keys:
            if required_at is not None:
                self.error(required_at, f"缺少必填键 {name}")
            return None
        k, v = keys[name]
        value = convert(v)
        if value is None:
            self.error(line(k), message)
        return value

    def head(
        self,
        keys: Keys,
        top: int,
        *,
        code: Callable[[Node], str | None],
        version: Callable[[Node], int | None],
        optional: tuple[str, ...],
    ) -> dict:
        """The top-level fields both formats have: code, title, the optional strings and
        version, checked in that order. Only the valid ones are in the result. `code`
        gives a scalar's text (the formats differ in which numbers they take as text),
        `version` a scalar's integer."""

        def valid_code(node: Node) -> str | None:
            text = code(node)
            return text if text is not None and CODE_RE.fullmatch(text) else None

        def positive(node: Node) -> int | None:
            number = version(node)
            return number if number is not None and number >= 1 else None

        head = {
            "code": self.field(
                keys,
                "code",
                valid_code,
                "code 只能由小写字母、数字和连字符组成，且以字母或数字开头",
                required_at=top,
            ),
            "title": self.field(
                keys,
                "title",
                lambda n: string(n) or None,
                "title 必须是非空字符串",
                required_at=top,
            ),
        }
        for name in optional:
            head[name] = self.field(keys, name, optional_string, f"{name} 必须是字符串")
        head["version"] = self.field(
            keys, "version", positive, "version 必须是正整数", required_at=top
        )
        return {name: value for name, value in head.items() if value is not None}
