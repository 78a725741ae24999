// chart.js: the insight charts, drawn by uPlot. Loaded lazily (a dynamic
// import from pages/insights.jsx) so the first page's script stays small;
// it imports nothing of Preact, so esbuild puts it and uPlot in one chunk.
import uPlot from 'uplot'

const palette = ['#3b6fd8', '#d8713b', '#2f9e6e', '#a64fc9', '#c9a13b', '#d84a6a', '#4fb3c9', '#7a7a7a']

/**
 * lineWidth makes earlier lines wider, so that lines with equal values
 * (two breakdown values that counted the same) show as stripes of each
 * colour instead of the last one hiding the others: 2 px for the last
 * line, 2 more for each line before it, at most 5 steps (so the first
 * lines of a chart with more than five share the widest width, 10 px).
 */
function lineWidth(i, n) {
  return 2 + 2 * Math.min(4, n - 1 - i)
}

/**
 * draw plots labelled x positions against series of numbers in el and
 * returns a function that removes the chart. bars draws bars (funnel steps)
 * instead of lines. The plotted numbers are left on el as data-plotted (JSON
 * of [{name, values, color}]) so what the chart shows can be read back.
 */
export function draw(el, { labels, series, bars = false, percent = false }) {
  el.textContent = ''
  // Dates of one year read better without it.
  const year = labels[0]?.slice(0, 5)
  const short = labels.every((l) => /^\d{4}-\d\d-\d\d/.test(l) && l.startsWith(year)) ? labels.map((l) => l.slice(5).replace('T', ' ').slice(0, 11)) : labels
  const width = Math.max(320, el.clientWidth || 900)
  const whole = !percent && series.every((s) => s.values.every((v) => v == null || Number.isInteger(v)))
  // The canvas does not follow the theme by itself: axes take the page's
  // text colour at drawing time (the page draws again when the theme changes).
  const ink = getComputedStyle(el).color
  el.dataset.ink = ink
  // The last x label is centred on the right edge of the plot: leave room
  // for its right half (else a step name such as "3. Purchase" is clipped).
  // Labels that are not dates (funnel steps) get half a slot at each end, as bars do.
  const categorical = short === labels && !labels.every((l) => /^\d{4}-\d\d/.test(l))
  const right = Math.ceil(textWidth(String(short[short.length - 1] ?? '')) / 2) + 8
  const opts = {
    width,
    padding: [null, Math.min(160, Math.max(16, right)), null, null],
    height: 300,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    // Bars need half a slot of room at each end.
    // The y axis starts at zero (counts), below it only for negative values.
    scales: {
      x: { time: false, range: bars || categorical ? [-0.5, labels.length - 0.5] : undefined },
      y: { range: (u, min, max) => uPlot.rangeNum(Math.min(0, min), Math.max(max, 1), 0.1, true) },
    },
    axes: [
      { space: 80, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) && short[t] !== undefined ? short[t] : '')), stroke: ink, grid: { stroke: 'rgba(128,128,128,.2)' } },
      // Counts get whole-number ticks (no "1.5 users"); averages, ratios and percentages any.
      { stroke: ink, grid: { stroke: 'rgba(128,128,128,.2)' }, incrs: whole ? wholeSteps : undefined, values: (u, ticks) => ticks.map((t) => (percent ? `${t}%` : t.toLocaleString('en-US'))) },
    ],
    series: [{}, ...series.map((s, i) => ({
      label: s.name,
      stroke: palette[i % palette.length],
      fill: bars ? palette[i % palette.length] + '99' : undefined,
      width: bars ? 2 : lineWidth(i, series.length),
      dash: s.previous ? [6, 4] : undefined,
      paths: bars ? uPlot.paths.bars({ size: [0.6, 80] }) : undefined,
      points: { show: labels.length <= 60 },
    }))],
  }
  const data = [labels.map((_, i) => i), ...series.map((s) => s.values)]
  const u = new uPlot(opts, data, el)
  el.dataset.plotted = JSON.stringify(series.map((s, i) => ({ name: s.name, values: u.data[i + 1], color: palette[i % palette.length] })))
  return () => u.destroy()
}

// Whole-number tick steps: 1, 2, 5, 10, 20, 50, ... up to 5e12.
const wholeSteps = Array.from({ length: 39 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3))

let measure
/** textWidth is the width in pixels of s in uPlot's axis font. */
function textWidth(s) {
  measure ||= document.createElement('canvas').getContext('2d')
  measure.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Segoe UI Symbol", "Noto Color Emoji"'
  return measure.measureText(s).width
}
