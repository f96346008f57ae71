/**
 * Latencies seen by the end-to-end tests, printed as a table when a file ends: the ack latency (HTTP answer to the
 * signed slash command) and the answer latency (until the report reaches the response_url), and CLI wall times.
 * Reported for people (HELPERS.md: no timing assertions in tests; performance belongs in a benchmark).
 */
export interface Timing {
  scenario: string;
  ackMs?: number;
  answerMs?: number;
  cliMs?: number;
}

export class Timings {
  private readonly rows: Timing[] = [];

  constructor(private readonly title: string) {}

  add(row: Timing): void {
    this.rows.push(row);
  }

  /** The table as text (also what `print` writes). */
  format(): string {
    const cell = (n: number | undefined): string => (n === undefined ? '-' : `${n} ms`).padStart(9);
    const width = Math.max(8, ...this.rows.map((r) => r.scenario.length));
    const head = `${'scenario'.padEnd(width)} ${'ack'.padStart(9)} ${'answer'.padStart(9)} ${'cli'.padStart(9)}`;
    const lines = this.rows.map((r) => `${r.scenario.padEnd(width)} ${cell(r.ackMs)} ${cell(r.answerMs)} ${cell(r.cliMs)}`);
    return [`[timings] ${this.title}`, head, ...lines].join('\n');
  }

  print(): void {
    if (this.rows.length > 0) console.log(this.format());
  }
}
