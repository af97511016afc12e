"""What the fake Messages API accepts: model ids, thinking and effort per model, output schemas.

Written from the published API documentation (the models' pages, "What's new in Claude Sonnet
5.5", structured outputs), and on purpose *not* from ``bot/llm/profiles.py``: a fake that read
the bot's own table could never catch a mistake in it. Each check answers like the real API: a
status, an error type and a message naming the offending field.

- Model ids: the SDK's own list (``anthropic.types.ModelParam``); anything else is a 404, and
  so is a model past the end-of-life date the SDK records (``anthropic._data``).
- Thinking: the 5.x models think by default (adaptive). Sonnet 5.5 turns it off with
  ``between_tools`` (effort low to high) and rejects ``disabled``; Haiku 5.5, Sonnet 5 and
  Opus 5 accept ``disabled`` (effort low to high); Opus 5.5 and Fable 5.x always think. Manual
  ``enabled`` thinking (``budget_tokens``) is rejected by the 5.x models.
- Structured outputs: every object needs ``additionalProperties: false``; only the supported
  keywords may appear (no numeric or string-length constraints, ``minItems`` only 0 or 1, only
  the listed string formats, enums of primitives, local non-recursive ``$ref``).
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from anthropic._data import DEPRECATED_MODELS
from anthropic.types import ModelParam

JSON = dict[str, Any]
SDK_MODELS = frozenset(typing.get_args(typing.get_args(ModelParam)[0]))


def end_of_life(model: str) -> date | None:
    """The retirement date the SDK records for ``model`` ("June 30th, 2026"), if any."""
    when = DEPRECATED_MODELS.get(model)
    if when is None:
        return None
    return datetime.strptime(re.sub(r"(\d)(st|nd|rd|th)", r"\1", when), "%B %d, %Y").date()


def retired(model: str, *, today: date | None = None) -> bool:
    eol = end_of_life(model)
    return eol is not None and eol < (today or datetime.now(UTC).date())


EFFORTS = ("low", "medium", "high", "xhigh", "max")
THINKING_TYPES = frozenset({"adaptive", "enabled", "disabled", "between_tools"})
_OFF = frozenset({"low", "medium", "high"})


@dataclass(frozen=True)
class ModelRules:
    thinks_by_default: bool
    default_effort: str | None  # None: the model takes no effort parameter
    thinking_types: frozenset[str]
    max_output: int = 128_000
    sampling: bool = False  # accepts non-default temperature / top_p / top_k
    hint: str = ""  # said when a thinking type is rejected


_ADAPTIVE_ONLY = frozenset({"adaptive"})
_CAN_DISABLE = frozenset({"adaptive", "disabled"})
_SONNET_55_HINT = "; to turn off up-front thinking on this model send thinking.type 'between_tools'"
RULES: dict[str, ModelRules] = {
    "claude-sonnet-5-5": ModelRules(
        True, "high", frozenset({"adaptive", "between_tools"}), hint=_SONNET_55_HINT
    ),
    "claude-opus-5-5": ModelRules(True, "medium", _ADAPTIVE_ONLY, hint="; thinking is always on"),
    "claude-fable-5-1": ModelRules(True, "high", _ADAPTIVE_ONLY, hint="; thinking is always on"),
    "claude-fable-5-2": ModelRules(True, "high", _ADAPTIVE_ONLY, hint="; thinking is always on"),
    "claude-haiku-5-5": ModelRules(True, "medium", _CAN_DISABLE),
    "claude-sonnet-5": ModelRules(True, "high", _CAN_DISABLE),
    "claude-opus-5": ModelRules(True, "high", _CAN_DISABLE),
    "claude-haiku-4-5": ModelRules(
        False, None, frozenset({"enabled", "disabled"}), max_output=64_000, sampling=True
    ),
}
RULES["claude-haiku-4-5-20251001"] = RULES["claude-haiku-4-5"]
# The other ids the SDK lists (Opus 4.x, Sonnet 4.6, Mythos...): older behaviour, permissive.
LEGACY = ModelRules(False, "high", frozenset({"adaptive", "enabled", "disabled"}), sampling=True)


def rules_for(model: str) -> ModelRules:
    return RULES.get(model, LEGACY)


@dataclass(frozen=True)
class Rejection:
    status: int
    error_type: str
    message: str


def _bad(message: str) -> Rejection:
    return Rejection(400, "invalid_request_error", message)


@dataclass(frozen=True)
class ThinkingPlan:
    """How the fake model will think for one request."""

    thinks: bool
    effort: str
    budget: int | None = None  # manual thinking's budget_tokens
    display: str = "summarized"


def thinking_plan(body: JSON) -> ThinkingPlan:
    rules = rules_for(str(body.get("model")))
    effort = str((body.get("output_config") or {}).get("effort") or rules.default_effort or "high")
    thinking = body.get("thinking") or {}
    kind = thinking.get("type")
    display = str(thinking.get("display") or "summarized")
    if kind in ("disabled", "between_tools"):
        return ThinkingPlan(False, effort)
    if kind == "enabled":
        return ThinkingPlan(True, effort, int(thinking.get("budget_tokens") or 0), display)
    return ThinkingPlan(kind == "adaptive" or rules.thinks_by_default, effort, None, display)


def check_model(body: JSON) -> Rejection | None:
    """Model id, effort, thinking and sampling parameters, checked like the real API."""
    model = body.get("model")
    if model not in SDK_MODELS:
        return Rejection(404, "not_found_error", f"model: {model}")
    if retired(str(model)):
        return Rejection(404, "not_found_error", f"model: {model} has reached its end of life")
    rules = rules_for(str(model))
    max_tokens = body.get("max_tokens")
    if isinstance(max_tokens, int) and max_tokens > rules.max_output:
        return _bad(f"max_tokens: {max_tokens} > {rules.max_output}, the maximum for {model}")
    effort = (body.get("output_config") or {}).get("effort")
    if effort is not None:
        if effort not in EFFORTS:
            return _bad(f"output_config.effort: must be one of {', '.join(EFFORTS)}")
        if rules.default_effort is None:
            return _bad(f"output_config.effort: not supported by {model}")
    if not rules.sampling:
        for name, default in (("temperature", 1.0), ("top_p", None), ("top_k", None)):
            if name in body and body[name] != default:
                return _bad(f"{name}: only the default value is supported by {model}")
    return _check_thinking(body, rules, str(model), effort or rules.default_effort or "high")


def _check_thinking(body: JSON, rules: ModelRules, model: str, effort: str) -> Rejection | None:
    thinking = body.get("thinking")
    if thinking is None:
        return None
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    if kind not in THINKING_TYPES:
        return _bad(f"thinking.type: expected one of {', '.join(sorted(THINKING_TYPES))}")
    if kind not in rules.thinking_types:
        return _bad(f"thinking.type: '{kind}' is not supported on {model}{rules.hint}")
    if kind in ("disabled", "between_tools") and effort not in _OFF:
        return _bad(f"thinking.type '{kind}' cannot be used with effort '{effort}'")
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        ceiling = body.get("max_tokens")
        if not isinstance(budget, int) or budget < 1024 or (ceiling and budget >= ceiling):
            return _bad("thinking.budget_tokens: must be >= 1024 and less than max_tokens")
    return None


# ------------------------------------------------------------------------------ output schemas

SCHEMA_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "const"}
    | {"anyOf", "allOf", "$ref", "$defs", "definitions", "description", "title", "default"}
    | {"format", "minItems", "pattern"}
)
STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)
_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})


@dataclass
class _Walk:
    defs: JSON = field(default_factory=dict)

    def problem(self, schema: object, where: str) -> str | None:
        if not isinstance(schema, dict):
            return f"{where}: a schema must be a JSON object"
        extra = sorted(set(schema) - SCHEMA_KEYWORDS)
        if extra:
            return f"{where}: '{extra[0]}' is not supported in structured outputs"
        types = schema.get("type")
        for name in [types] if isinstance(types, str) else types or []:
            if name not in _TYPES:
                return f"{where}.type: unknown type {name!r}"
        is_object = types == "object" or (isinstance(types, list) and "object" in types)
        closed = schema.get("additionalProperties") is False
        if (is_object or "properties" in schema) and not closed:
            return f"{where}: 'additionalProperties' must be explicitly set to false for objects"
        enum = schema.get("enum", [None])
        if not isinstance(enum, list) or not enum or not all(_primitive(v) for v in enum):
            return f"{where}.enum: a non-empty list of strings, numbers, booleans or null"
        if "format" in schema and schema["format"] not in STRING_FORMATS:
            return f"{where}.format: '{schema['format']}' is not a supported string format"
        if "minItems" in schema and schema["minItems"] not in (0, 1):
            return f"{where}.minItems: only 0 and 1 are supported"
        ref = schema.get("$ref")
        if ref is not None and not (isinstance(ref, str) and ref.startswith("#/")):
            return f"{where}.$ref: only local references ('#/...') are supported"
        return self._children(schema, where)

    def _children(self, schema: JSON, where: str) -> str | None:
        for key in ("properties", "$defs", "definitions"):
            for name, sub in (schema.get(key) or {}).items():
                if problem := self.problem(sub, f"{where}.{key}.{name}"):
                    return problem
        if "items" in schema and (problem := self.problem(schema["items"], f"{where}.items")):
            return problem
        for key in ("anyOf", "allOf"):
            for i, sub in enumerate(schema.get(key) or []):
                if problem := self.problem(sub, f"{where}.{key}[{i}]"):
                    return problem
        return None


def _primitive(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _refs(schema: object) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["$ref"]} if isinstance(schema.get("$ref"), str) else set()
        for value in schema.values():
            found |= _refs(value)
        return found
    if isinstance(schema, list):
        return set().union(*(_refs(v) for v in schema)) if schema else set()
    return set()


def _recursive(schema: JSON) -> str | None:
    """A definition that reaches itself through ``$ref``s (recursive schemas are refused)."""
    defs = {**(schema.get("definitions") or {}), **(schema.get("$defs") or {})}
    edges = {name: {r.rsplit("/", 1)[-1] for r in _refs(sub)} for name, sub in defs.items()}
    for start in edges:
        seen, todo = set(), list(edges[start])
        while todo:
            name = todo.pop()
            if name == start:
                return start
            if name not in seen:
                seen.add(name)
                todo.extend(edges.get(name, ()))
    return None


def schema_problem(schema: object) -> str | None:
    """Why the real API would refuse ``schema`` for ``output_config.format``, or None."""
    problem = _Walk().problem(schema, "schema")
    if problem is None and isinstance(schema, dict) and (name := _recursive(schema)):
        problem = f"schema.$defs.{name}: recursive schemas are not supported"
    return problem
