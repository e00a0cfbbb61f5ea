"""The registry dialect: Lark grammar, typed AST, tree→AST builder and syntax diagnostics."""

from snowreg.grammar import ast
from snowreg.grammar.parse import parse
from snowreg.grammar.render import render

__all__ = ["ast", "parse", "render"]
