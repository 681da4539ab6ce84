/** What every benchmark gives `run.ts`: a table to print, a JSON document to write, and a verdict. */
export interface BenchTarget {
  metric: string;
  /** Human form, e.g. "≥ 0.97". */
  target: string;
  value: number;
  pass: boolean;
}

export interface BenchReport {
  /** Column names of the table after the metric column (e.g. ["engine", "naive"]). */
  columns: string[];
  rows: { metric: string; values: (string | number)[] }[];
  targets: BenchTarget[];
  /** Written to tests/bench/results/<name>.json. */
  json: unknown;
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<BenchReport>;
}
