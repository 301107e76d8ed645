/**
 * Config diagnostics: every warning/error has a location, a severity, a stable code (listed in
 * README.md, checked by a test) and keepalived's error class, which decides the `-t` exit code.
 */

/** A position in a config file (1-based line and column), mapped back through includes. */
export interface SrcLoc { file: string; line: number; col: number }

/**
 * keepalived's `config_err_t` (lib/parser.h), in its numeric order: `-t` exits with the code of the
 * numerically largest class recorded (see exitCodeFor).
 */
export enum ConfigErrClass {
  OK = 0,
  FILE_NOT_FOUND = 1,
  BAD_IF = 2,
  FATAL = 3,
  MULTIPLE_FILES = 4,
  UNKNOWN_KEYWORD = 5,
  UNEXPECTED_BOB = 6,
  MISSING_BOB = 7,
  UNEXPECTED_EOB = 8,
  MISSING_EOB = 9,
  UNMATCHED_QUOTE = 10,
  MISSING_PARAMETER = 11,
  INVALID_NUMBER = 12,
  GENERAL_ERROR = 13,
  WARNING = 14,
  DEPRECATED = 15,
  SECURITY_ERROR = 16,
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  sev: Severity;
  /** Stable code, e.g. 'KA_CONF_UNKNOWN_KEYWORD'. */
  code: string;
  at: SrcLoc;
  msg: string;
  /** keepalived's class for exit-code purposes; 'info' diagnostics use OK. */
  cls: ConfigErrClass;
}

export const formatDiagnostic = (d: Diagnostic): string =>
  `${d.at.file}:${d.at.line}:${d.at.col}: ${d.sev}: ${d.msg} [${d.code}]`;
