/**
 * The generic config tree: what the grammar produces and the keyword tables consume.
 * The grammar knows nothing about keywords: every line is `WORD arg* ({ line* })?`.
 */
import type { Diagnostic, SrcLoc } from './diagnostics.js';

export interface ConfNode {
  /** First word of the line (after comments, `@id`, `$VAR` and `~SEQ` processing). */
  keyword: string;
  /** Remaining words split by keepalived's plain rules (double quotes group and are removed). */
  args: string[];
  /**
   * Location of each word of `args`. On nodes from buildTree this is a getter computed on each
   * read (a new array every time, so the tree keeps no per-argument objects): read it once, and
   * copy nodes field by field rather than with `{ ...node }` or structuredClone (which drop it).
   */
  argAt: SrcLoc[];
  /**
   * The text after the keyword (de-commented, substituted, not split), so script keywords
   * (`script`, `notify*`, `misc_path`, …) can re-split it with the quote/escape rules.
   */
  rawArgs: string;
  at: SrcLoc;
  /** Lines of the `{ … }` block that follows on this or the next line; null when there is none. */
  block: ConfNode[] | null;
  /** Where the block's `{` stands (for diagnostics about the block itself). */
  blockAt?: SrcLoc;
}

/** What a config source may read: injected so the front end stays pure and testable. */
export interface ConfigSource {
  /** File contents, or null when the file does not exist or cannot be read. */
  readFile(path: string): string | null;
  /** Paths matching a glob (wildcards and `{a,b}` braces), sorted; [] when none. */
  glob(pattern: string): string[];
}

export interface TreeOptions {
  source: ConfigSource;
  /** `-i/--config-id`; default: short host name. */
  configId: string;
  /** Values for `${_ENV NAME}` and similar built-ins. */
  env?: Record<string, string | undefined>;
  /** `-e/--all-config`: a missing config file is an error. */
  allConfig?: boolean;
}

export interface TreeResult {
  nodes: ConfNode[];
  diags: Diagnostic[];
  /** Every file read, in order (the main file first). */
  files: string[];
}
