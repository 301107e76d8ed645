/**
 * Diagnostics the config front end (preprocessor, lexer, tree) can emit: stable codes, keepalived's
 * `config_err_t` class (which decides the `-t` exit code) and a severity.
 */
import { ConfigErrClass, type Diagnostic, type Severity, type SrcLoc } from './diagnostics.js';

export const FRONT_END_CODES = {
  KA_CONF_CONFIG_MISSING: { cls: ConfigErrClass.OK, sev: 'warning' },
  KA_CONF_CONFIG_MISSING_ALL: { cls: ConfigErrClass.FILE_NOT_FOUND, sev: 'error' },
  KA_CONF_LINE_TOO_LONG: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_EMBEDDED_NUL: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_UNTERMINATED_QUOTE: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_UNMATCHED_QUOTE: { cls: ConfigErrClass.UNMATCHED_QUOTE, sev: 'warning' },
  /** `include` of nothing: informational in keepalived (exit 0). */
  KA_CONF_INCLUDE_MISSING: { cls: ConfigErrClass.OK, sev: 'warning' },
  /**
   * An include check (`includea/m/w/b/r`) failed. keepalived then exits 6; SECURITY_ERROR is the one
   * class that `-t` maps to 6, and being the largest class it wins like keepalived's hard exit does.
   */
  KA_CONF_INCLUDE_FAILED: { cls: ConfigErrClass.SECURITY_ERROR, sev: 'error' },
  KA_CONF_INCLUDE_LOOP: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'error' },
  KA_CONF_INCLUDE_DEPTH: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'error' },
  KA_CONF_PARAM_TOO_LONG: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_PARAM_RECURSION: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_PARAM_ARGS: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_BAD_SEQ: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_BAD_LST: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'warning' },
  KA_CONF_EXPANSION_LIMIT: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'error' },
  KA_CONF_UNEXPECTED_BOB: { cls: ConfigErrClass.UNEXPECTED_BOB, sev: 'warning' },
  KA_CONF_EXTRA_EOB: { cls: ConfigErrClass.UNEXPECTED_EOB, sev: 'warning' },
  KA_CONF_UNKNOWN_KEYWORD: { cls: ConfigErrClass.UNKNOWN_KEYWORD, sev: 'warning' },
  KA_CONF_MISSING_EOB: { cls: ConfigErrClass.MISSING_EOB, sev: 'warning' },
  KA_CONF_TOO_DEEP: { cls: ConfigErrClass.GENERAL_ERROR, sev: 'error' },
  KA_CONF_INTERNAL: { cls: ConfigErrClass.FATAL, sev: 'error' },
} as const satisfies Record<string, { cls: ConfigErrClass; sev: Severity }>;

export type FrontEndCode = keyof typeof FRONT_END_CODES;

export function frontEndDiag(code: FrontEndCode, at: SrcLoc, msg: string): Diagnostic {
  const { cls, sev } = FRONT_END_CODES[code];
  return { sev, code, at, msg, cls };
}
