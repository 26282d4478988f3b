// How rates read on the console: percent with one decimal, intervals in
// brackets, changes in percentage points with a sign.
import type { Schemas } from '../api/client';

export type Rate = Schemas['RateOut'];

/** 0.6470588 → "64.7%"; no rate → "—". */
export function pct(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** "[52.1%, 74.3%]", or "—" without an interval. */
export function interval(r: { low?: number | null; high?: number | null }): string {
  if (r.low === null || r.low === undefined || r.high === null || r.high === undefined) return '—';
  return `[${pct(r.low)}, ${pct(r.high)}]`;
}

/** +3.2 → "+3.2", −1.05 → "−1.1" (percentage points). */
export function points(change: number | null | undefined): string {
  if (change === null || change === undefined) return '—';
  const text = Math.abs(change).toFixed(1);
  if (text === '0.0') return '0.0';
  return change > 0 ? `+${text}` : `−${text}`;
}

/** Rate × 100 rounded to one decimal, for chart values. */
export function percentValue(rate: number | null | undefined): number | null {
  return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10;
}

/** Where a rate stands against 85%: its interval above, below, or across it. */
export function standing(r: Rate): 'pass' | 'fail' | 'close' | 'none' {
  if (r.rate === null || r.rate === undefined) return 'none';
  if (r.low !== null && r.low !== undefined && r.low >= 0.85) return 'pass';
  if (r.high !== null && r.high !== undefined && r.high < 0.85) return 'fail';
  return 'close';
}

/** A row of a rate table: a rate with its label (and weight, for groups). */
export interface RateTableRow extends Rate {
  key: string;
  label: string;
  weight?: number;
}
