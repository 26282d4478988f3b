// Chart options for the report and monitor pages, built from the API's rates.
// Every rate chart shows the 85% line and 95% intervals, and greys out rates
// from small samples so that nobody reads them on their own.
import type { CustomSeriesRenderItem } from 'echarts';
import { t } from '../i18n';
import { COLORS, THRESHOLD, type ChartOption } from './echarts';
import { interval, pct, percentValue, type Rate } from '../utils/rates';

/** One bar of a rate chart. */
export interface RateRow extends Rate {
  label: string;
  /** Longer text for the tooltip (e.g. an item's full stem). */
  detail?: string;
}

/** The county rate on a gauge with the 85% mark. */
export function gaugeOption(rate: number | undefined): ChartOption {
  const value = percentValue(rate);
  const colour = value === null ? COLORS.muted : value >= THRESHOLD * 100 ? COLORS.pass : COLORS.fail;
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        startAngle: 210,
        endAngle: -30,
        radius: '92%',
        progress: { show: true, width: 18, itemStyle: { color: colour } },
        axisLine: {
          lineStyle: {
            width: 18,
            // The band from 85% up shows where the county must be.
            color: [
              [THRESHOLD, '#e9edf2'],
              [1, '#cfe8d7'],
            ],
          },
        },
        pointer: { show: false },
        axisTick: { show: false },
        splitNumber: 20,
        splitLine: { length: 8, distance: -18, lineStyle: { color: '#fff', width: 1 } },
        axisLabel: {
          distance: 26,
          color: '#6b7785',
          fontSize: 11,
          formatter: (v: number) => (v % 20 === 0 ? `${v}` : ''),
        },
        anchor: { show: false },
        title: { show: true, offsetCenter: [0, '62%'], fontSize: 12, color: COLORS.line },
        detail: {
          valueAnimation: false,
          offsetCenter: [0, '10%'],
          fontSize: 30,
          fontWeight: 600,
          color: colour,
          formatter: () => pct(rate),
        },
        data: [{ value: value ?? 0, name: t('report.threshold') }],
      },
      // The 85% mark: a short red tick at the rim that never moves.
      {
        type: 'gauge',
        min: 0,
        max: 100,
        startAngle: 210,
        endAngle: -30,
        radius: '92%',
        axisLine: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: true, icon: 'rect', length: '22%', width: 4, offsetCenter: [0, '-80%'], itemStyle: { color: COLORS.line } },
        anchor: { show: false },
        detail: { show: false },
        title: { show: false },
        data: [{ value: THRESHOLD * 100 }],
        silent: true,
        z: 5,
      },
    ],
  };
}

/** Whiskers from low to high on a horizontal category chart. */
const whiskers: CustomSeriesRenderItem = (_params, api) => {
  const index = api.value(2) as number;
  const low = api.coord([api.value(0), index]);
  const high = api.coord([api.value(1), index]);
  const cap = ((api.size?.([0, 1]) as number[] | undefined)?.[1] ?? 16) * 0.3;
  const style = { stroke: '#2c3a4b', lineWidth: 1.2 };
  const [lx = 0, ly = 0] = low;
  const [hx = 0, hy = 0] = high;
  return {
    type: 'group',
    children: [
      { type: 'line', shape: { x1: lx, y1: ly, x2: hx, y2: hy }, style },
      { type: 'line', shape: { x1: lx, y1: ly - cap / 2, x2: lx, y2: ly + cap / 2 }, style },
      { type: 'line', shape: { x1: hx, y1: hy - cap / 2, x2: hx, y2: hy + cap / 2 }, style },
    ],
  };
};

const tooltipLine = (r: RateRow) =>
  `${r.detail ?? r.label}<br/>${t('report.rate')} <b>${pct(r.rate)}</b> · n = ${r.n}<br/>${t('report.interval')} ${interval(r)}` +
  (r.small_n ? `<br/><span style="color:${COLORS.close}">${t('report.smallN')}</span>` : '');

/** Rows shown at once before the chart scrolls. */
const VISIBLE_ROWS = 20;

/** Chart height for `rows` horizontal bars. */
export function barsHeight(rows: number): string {
  return `${Math.min(Math.max(rows, 3), VISIBLE_ROWS) * 26 + 70}px`;
}

/**
 * Horizontal bars, lowest rate first (at the top), with the 85% line, 95%
 * whiskers, and small samples greyed out and starred.
 */
export function rateBarsOption(rows: RateRow[], labelWidth = 200): ChartOption {
  const sorted = [...rows].sort((a, b) => (a.rate ?? -1) - (b.rate ?? -1));
  // Category axes run bottom-up: reverse so that the weakest is on top.
  const shown = sorted.reverse();
  const labels = shown.map((r) => (r.small_n ? `${r.label} *` : r.label));
  const many = shown.length > VISIBLE_ROWS;
  return {
    grid: { left: 8, right: many ? 48 : 24, top: 28, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items: { dataIndex: number }[]) => {
        const r = shown[items[0]?.dataIndex ?? 0];
        return r ? tooltipLine(r) : '';
      },
    },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: {
      type: 'category',
      data: labels,
      axisLabel: { width: labelWidth, overflow: 'truncate', fontSize: 12 },
    },
    dataZoom: many
      ? [
          { type: 'slider', yAxisIndex: 0, right: 8, width: 16, startValue: shown.length - VISIBLE_ROWS, endValue: shown.length - 1 },
          { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true },
        ]
      : [],
    series: [
      {
        type: 'bar',
        name: t('report.rate'),
        barMaxWidth: 18,
        data: shown.map((r) => ({
          value: percentValue(r.rate),
          itemStyle: {
            color: r.small_n ? COLORS.muted : (r.rate ?? 0) >= THRESHOLD ? COLORS.pass : COLORS.fail,
          },
        })),
        // Inside the bar's start, clear of the whiskers at its end.
        label: {
          show: true,
          position: 'insideLeft',
          color: '#fff',
          fontWeight: 600,
          fontSize: 11,
          formatter: (p: { value: number | null }) => (p.value === null ? '' : `${p.value}%`),
        },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: COLORS.line, type: 'dashed', width: 1.5 },
          label: { formatter: '85%', position: 'end', color: COLORS.line },
          data: [{ xAxis: THRESHOLD * 100 }],
        },
      },
      {
        type: 'custom',
        name: t('report.interval'),
        renderItem: whiskers,
        encode: { x: [0, 1], y: 2 },
        data: shown.map((r, i) => (r.low === undefined || r.high === undefined ? [null, null, i] : [r.low * 100, r.high * 100, i])),
        z: 10,
        silent: true,
      },
    ],
  };
}

/** One heatmap cell: a school, a group, its rate. */
export interface Cell extends Rate {
  school: string;
  group: string;
}

/** Schools shown at once on the heatmap before it scrolls. */
export const HEATMAP_ROWS = 30;

/** Schools down, groups across, the rate in each cell. */
export function heatmapOption(schools: string[], groups: string[], cells: Cell[]): ChartOption {
  const data = cells.map((c) => ({
    value: [groups.indexOf(c.group), schools.indexOf(c.school), percentValue(c.rate) ?? '-'],
    cell: c,
  }));
  const many = schools.length > HEATMAP_ROWS;
  return {
    grid: { left: 8, right: many ? 48 : 24, top: 8, bottom: 64, containLabel: true },
    tooltip: {
      formatter: (p: { data: { cell: Cell } }) => {
        const c = p.data.cell;
        return tooltipLine({ ...c, label: `${c.school} · ${c.group}` });
      },
    },
    xAxis: { type: 'category', data: groups, splitArea: { show: true } },
    yAxis: { type: 'category', data: schools, inverse: true, axisLabel: { width: 200, overflow: 'truncate' } },
    dataZoom: many
      ? [
          { type: 'slider', yAxisIndex: 0, right: 8, width: 16, startValue: 0, endValue: HEATMAP_ROWS - 1 },
          { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true },
        ]
      : [],
    visualMap: {
      type: 'piecewise',
      orient: 'horizontal',
      left: 'center',
      bottom: 8,
      dimension: 2,
      pieces: [
        { lt: 75, color: '#d9534f', label: '< 75%' },
        { gte: 75, lt: 85, color: '#f0ad4e', label: '75–85%' },
        { gte: 85, lt: 90, color: '#a3d9b1', label: '85–90%' },
        { gte: 90, color: '#3a9d5d', label: '≥ 90%' },
      ],
      outOfRange: { color: '#eef1f5' },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { data: { cell: Cell } }) => `${pct(p.data.cell.rate)}${p.data.cell.small_n ? '*' : ''}`,
        },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  };
}

/** One bar of the time chart: a bucket's start label and counts per series. */
export interface TimeSeries {
  name: string;
  data: number[];
  color?: string;
}

/** Stacked bars per bucket, and the running total of valid responses on a line. */
export function timelineOption(labels: string[], stacks: TimeSeries[], cumulative: number[]): ChartOption {
  return {
    grid: { left: 8, right: 16, top: 40, bottom: labels.length > 48 ? 56 : 24, containLabel: true },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
    yAxis: [
      { type: 'value', name: t('monitor.responses'), minInterval: 1 },
      { type: 'value', name: t('monitor.cumulative'), minInterval: 1, splitLine: { show: false } },
    ],
    dataZoom: labels.length > 48 ? [{ type: 'slider', bottom: 8, height: 18, startValue: labels.length - 48 }, { type: 'inside' }] : [],
    series: [
      ...stacks.map((s) => ({
        type: 'bar',
        name: s.name,
        stack: 'responses',
        data: s.data,
        barMaxWidth: 28,
        ...(s.color ? { itemStyle: { color: s.color } } : {}),
      })),
      {
        type: 'line',
        name: t('monitor.cumulative'),
        yAxisIndex: 1,
        data: cumulative,
        // A line of one or two points is only visible by its dots.
        showSymbol: labels.length <= 24,
        lineStyle: { width: 2, color: COLORS.neutral },
        itemStyle: { color: COLORS.neutral },
      },
    ],
  };
}
