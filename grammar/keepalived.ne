# keepalived.conf structure: every statement is `WORD arg* ('{' stmt* '}')?`, one per logical line.
# The grammar knows no keywords. Tokens come from src/config/lexer.ts (`nl` ends a line); the tree
# builder balances braces before parsing, so brace errors are diagnostics, never parse failures.
@preprocessor typescript

@{%
import { grammarTokens as lexer } from '../lexer.js';
import { blockOf, stmtOf } from '../grammar-actions.js';
%}

@lexer lexer

config -> stmt:*                                    {% (d) => d[0] %}

stmt   -> word arg:* %nl block:?                    {% stmtOf %}

block  -> %lbrace %nl stmt:* %rbrace %nl            {% blockOf %}

word   -> %word                                     {% (d) => d[0] %}
        | %qword                                    {% (d) => d[0] %}

arg    -> %word                                     {% (d) => d[0] %}
        | %qword                                    {% (d) => d[0] %}
