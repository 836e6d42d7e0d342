"""Hardened XML parsing into a small tree that remembers line numbers.

defusedxml's parser on expat, with every dangerous feature refused: a DOCTYPE (and with it
every entity declaration, internal or external, so no entity expansion and no XXE), external
references, and an undefined entity. On top: a size limit before parsing and a depth limit
while parsing. Text and attributes only; comments and processing instructions are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .model import MAX_BYTES, FileProblem

MAX_DEPTH = 12  # EDEXML nests five deep; anything far deeper is not an export


@dataclass
class Node:
    tag: str  # local name, namespace stripped
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts).strip()

    def find(self, tag: str) -> Node | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def child_text(self, tag: str) -> str:
        child = self.find(tag)
        return child.text if child is not None else ""

    def iter(self, tag: str):
        stack = [self]
        while stack:
            node = stack.pop()
            if node.tag == tag:
                yield node
            stack.extend(reversed(node.children))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class _Builder:
    """The parser's target: builds Nodes, counts depth, notes the line of each start tag."""

    def __init__(self, max_depth: int):
        self.max_depth = max_depth
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.parser: DefusedXMLParser | None = None

    def line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser else 0

    def start(self, tag, attrs):
        if len(self.stack) >= self.max_depth:
            raise FileProblem(
                f"the XML nests deeper than {self.max_depth} elements",
                where=f"<{_local(tag)}>",
                line=self.line(),
            )
        node = Node(_local(tag), {_local(k): v for k, v in attrs.items()}, self.line())
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)

    def end(self, tag):
        self.stack.pop()

    def data(self, text):
        if self.stack:
            self.stack[-1].text_parts.append(text)

    def close(self):
        return self.root


def parse(data: bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Node:
    """The document's root Node; FileProblem (one line, with the line number) otherwise."""
    if len(data) > max_bytes:
        raise FileProblem(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    if not data.strip():
        raise FileProblem("the file is empty")
    builder = _Builder(max_depth)
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DTDForbidden:
        raise FileProblem(
            "the file has a document type declaration (DTD), which is refused: it can "
            "declare entities (entity expansion, external entities)",
            where="<!DOCTYPE>",
            line=builder.line(),
        ) from None
    except EntitiesForbidden as error:
        raise FileProblem(
            f"the file declares an entity ({error.name}), which is refused",
            line=builder.line(),
        ) from None
    except ExternalReferenceForbidden:
        raise FileProblem(
            "the file refers to an external resource, which is refused", line=builder.line()
        ) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else builder.line()
        message = str(error).split(": line", 1)[0]
        raise FileProblem(f"the file is not well-formed XML: {message}", line=line) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise FileProblem("the XML nests too deeply") from None
    if root is None:
        raise FileProblem("the file holds no XML element")
    return root
