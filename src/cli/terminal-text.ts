/**
 * Text for a terminal: a VM name, an image name or Ceph/Nova error text is tenant data and must not drive the
 * terminal (ANSI/OSC escapes that retitle the window, move the cursor, hide lines, or a carriage return that
 * overwrites what was printed). Every line the CLI prints goes through `terminalSafe`; `--json` output goes through
 * `jsonForTerminal` first, which keeps the data exact (escapes, not replacements).
 */

// C0 controls except tab and newline, DEL, C1 controls (U+009B is an 8-bit CSI), and bidi overrides/isolates
// (which reorder what is shown, "Trojan Source").
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// Those JSON.stringify leaves raw (it escapes U+0000–U+001F itself).
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Replaces every control character but tab and newline (and bidi controls) by U+FFFD. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, '\uFFFD');
}

/** Pretty JSON in which the characters a terminal would act on are `\uXXXX` escapes: JSON.parse gives the same value. */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An output that makes each line terminal-safe before writing it. */
export function terminalIo(write: { out: (text: string) => void; err: (text: string) => void }): { out(text: string): void; err(text: string): void } {
  return { out: (t) => write.out(terminalSafe(t)), err: (t) => write.err(terminalSafe(t)) };
}
