"""The registry dialect: Lark grammar, typed AST, tree→AST builder and syntax diagnostics."""

from . import ast
from .parse import parse
from .render import render

__all__ = ["ast", "parse", "render"]
