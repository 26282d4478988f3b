// ECharts with only the charts and components the report and monitor pages
// use (tree-shaken from echarts/core), so the console's bundle stays small.
// Imported only by those lazily loaded pages: the login and lists never load it.
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, GaugeChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  CustomChart,
  GaugeChart,
  HeatmapChart,
  LineChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;

/** The threshold every rate is judged against (85%). */
export const THRESHOLD = 0.85;

/** Colours shared by the charts: pass, fail, undecided, neutral. */
export const COLORS = {
  pass: '#3a9d5d',
  fail: '#d9534f',
  close: '#e6a23c',
  neutral: '#1f5fbf',
  muted: '#a8b1bd',
  line: '#d9534f',
} as const;
