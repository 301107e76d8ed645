# keepalived.conf structure: every statement is `WORD arg* ('{' stmt* '}')?`, one per logical line.
# The grammar knows no keywords. Tokens come from src/config/lexer.ts (`nl` ends a line); the tree
# builder balances braces before parsing, so brace errors are diagnostics, never parse failures.
@preprocessor typescript

@{%
import { grammarTokens as lexer } from '../lexer.js';
import { blockOf, configOf, cons, nil, stmtOf } from '../grammar-actions.js';
%}

@lexer lexer

config -> stmts                                     {% configOf %}

stmt   -> word args %nl block:?                     {% stmtOf %}

block  -> %lbrace %nl stmts %rbrace %nl             {% blockOf %}

# Lists are built as cons cells (constant work per item; nearley may share partial results).
stmts  -> null                                      {% nil %}
        | stmts stmt                                {% cons %}

args   -> null                                      {% nil %}
        | args arg                                  {% cons %}

word   -> %word                                     {% (d) => d[0] %}
        | %qword                                    {% (d) => d[0] %}

arg    -> %word                                     {% (d) => d[0] %}
        | %qword                                    {% (d) => d[0] %}
