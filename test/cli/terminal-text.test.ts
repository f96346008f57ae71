// A VM name or a Ceph/Nova error cannot drive the terminal the CLI prints to: controls become U+FFFD in human
// output, and --json keeps the exact data as \uXXXX escapes.
import { describe, expect, it } from 'vitest';
import { formatHostOutcome, formatOutcome } from '../../src/cli/format-report.js';
import { jsonForTerminal, terminalIo, terminalSafe } from '../../src/cli/terminal-text.js';
import { disk, report, rootDisk, stalePlan, staleLock } from '../slack/samples.js';

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const hostile = 'vm\u001b]0;owned\u0007-1\u001b[2J\r\u009b31m\u202egpj.exe\b';

function printed(text: string): string[] {
  const lines: string[] = [];
  terminalIo({ out: (t) => lines.push(t), err: (t) => lines.push(t) }).out(text);
  return lines;
}

describe('terminalSafe', () => {
  it.each([
    ['ESC (ANSI CSI and OSC sequences)', '\u001b[31m', '\uFFFD[31m'],
    ['BEL', 'a\u0007', 'a\uFFFD'],
    ['carriage return and backspace', 'a\rb\bc', 'a\uFFFDb\uFFFDc'],
    ['8-bit CSI (C1)', '\u009b2J', '\uFFFD2J'],
    ['DEL', 'x\u007f', 'x\uFFFD'],
    ['a bidi override', 'a\u202eb\u2066c', 'a\uFFFDb\uFFFDc'],
  ])('replaces %s by U+FFFD', (_what, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it('keeps newlines, tabs and ordinary Unicode', () => {
    expect(terminalSafe('vm-é 仮想\tmachine\nnext line ✓')).toBe('vm-é 仮想\tmachine\nnext line ✓');
  });
});

describe('the CLI\'s human output', () => {
  it('prints a report whose VM name and disk error carry escapes without a single terminal control', () => {
    const r = report('stale', [disk(rootDisk, [staleLock()], { error: `rbd: error opening image: \u001b[8m${hostile}` })], {});
    const text = formatOutcome({ kind: 'report', report: { ...r, instance: { ...r.instance, name: hostile } }, plan: stalePlan() });
    expect(text).toMatch(TERMINAL_CONTROLS); // the formatter itself does not escape: the output does
    const out = printed(text).join('\n');
    expect(out).not.toMatch(TERMINAL_CONTROLS);
    expect(out).toContain('vm\uFFFD]0;owned\uFFFD-1\uFFFD[2J\uFFFD\uFFFD31m\uFFFDgpj.exe\uFFFD');
    expect(out.split('\n').length).toBe(text.split('\n').length);
  });

  it('prints an ambiguous-name list and a host summary safely', () => {
    const ambiguous = formatOutcome({
      kind: 'ambiguous', ref: { kind: 'name', name: 'vm' },
      candidates: [{ id: '0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01', name: hostile, host: 'compute-2', status: 'ACTIVE' }],
    } as Parameters<typeof formatOutcome>[0]);
    expect(printed(ambiguous).join('\n')).not.toMatch(TERMINAL_CONTROLS);
    const host = formatHostOutcome({ kind: 'host_not_found', host: hostile } as Parameters<typeof formatHostOutcome>[0]);
    expect(printed(host).join('\n')).not.toMatch(TERMINAL_CONTROLS);
  });
});

describe('--json output', () => {
  it('escapes every terminal control and still parses back to the same data', () => {
    const value = { name: hostile, error: 'ceph: \u009b1;1H\u007f', nested: [{ name: `x${hostile}` }] };
    const json = jsonForTerminal(value);
    expect(json).not.toMatch(TERMINAL_CONTROLS);
    expect(printed(json).join('\n')).toBe(json);
    expect(JSON.parse(json)).toEqual(value);
    expect(json).toContain('\\u009b1;1H\\u007f');
  });
});
