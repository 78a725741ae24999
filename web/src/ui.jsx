// ui.jsx: the small pieces every page uses. Everything a server sent is
// rendered as text by Preact (never as HTML): event names, property names
// and values cannot inject markup.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

/** useLoad runs fn (async) when deps change; reload() runs it again. */
export function useLoad(fn, deps) {
  const [state, set] = useState({ loading: true, data: null, error: null })
  const seq = useRef(0)
  const run = useCallback(async (quiet) => {
    const n = ++seq.current
    if (!quiet) set((s) => ({ ...s, loading: true, error: null }))
    try {
      const data = await fn()
      if (n === seq.current) set({ loading: false, data, error: null })
    } catch (error) {
      if (n === seq.current) set({ loading: false, data: null, error })
    }
  }, deps)
  useEffect(() => { run() }, [run])
  return { ...state, reload: run }
}

/** useInterval calls fn every ms while active. */
export function useInterval(fn, ms, active = true) {
  const saved = useRef(fn)
  saved.current = fn
  useEffect(() => {
    if (!active) return undefined
    const t = setInterval(() => saved.current(), ms)
    return () => clearInterval(t)
  }, [ms, active])
}

export function Page({ title, lead, children, actions }) {
  useEffect(() => { document.title = `${title} · Sieve` }, [title])
  return (
    <section aria-labelledby="page-title">
      <div class="row"><h1 id="page-title" tabIndex={-1}>{title}</h1><span class="grow" />{actions}</div>
      {lead && <p class="lead">{lead}</p>}
      {children}
    </section>
  )
}

export const Loading = ({ what = 'Loading' }) => <p class="loading" role="status">{what}…</p>
export const ErrorBox = ({ error }) => error ? <p class="error" role="alert">{error.message || String(error)}</p> : null
export const Empty = ({ children }) => <div class="empty">{children}</div>

/** Load renders loading and error states, else children(data). */
export function Load({ state, children, what }) {
  if (state.error) return <ErrorBox error={state.error} />
  if (state.loading && !state.data) return <Loading what={what} />
  return children(state.data)
}

/** Table: cols = [{key, label, num, render(row)}]; empty is shown for no rows. */
export function Table({ cols, rows, empty, caption, limit = 500 }) {
  if (!rows || rows.length === 0) return <Empty>{empty || 'Nothing here yet.'}</Empty>
  return (
    <div class="tablewrap">
      <table>
        {caption && <caption class="sr">{caption}</caption>}
        <thead><tr>{cols.map((c) => <th scope="col" class={c.num ? 'num' : ''}>{c.label}</th>)}</tr></thead>
        <tbody>
          {rows.slice(0, limit).map((r) => (
            <tr>{cols.map((c) => <td class={c.num ? 'num' : c.cls || ''}>{c.render ? c.render(r) : fmt(r[c.key])}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit && <p class="muted">Showing {limit} of {rows.length}.</p>}
    </div>
  )
}

export function fmt(v) {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'number') return v.toLocaleString('en-US')
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** fmtTime shows an instant as "YYYY-MM-DD HH:MMZ" in a <time> element (which
 * the browser tests' screenshots leave blank: it changes on every run). */
export function fmtTime(s) {
  if (!s || s.startsWith('0001-')) return '—'
  const d = new Date(s)
  if (Number.isNaN(d.getTime())) return s
  return <time datetime={d.toISOString()}>{d.toISOString().slice(0, 16).replace('T', ' ')}Z</time>
}

export const pct = (x) => `${(x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1)}%`

/** splitList turns "a, b\nc" into ["a","b","c"]. */
export const splitList = (s) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean)

/** download saves text as a file (through a blob URL: nothing leaves the page). */
export function download(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** StackedBars draws counts by day and series as an SVG bar chart. */
export function StackedBars({ days, series, data, label }) {
  const max = Math.max(1, ...days.map((d) => series.reduce((s, k) => s + (data[d]?.[k] || 0), 0)))
  const W = 1000, H = 180, left = 36, bottom = 22, bw = (W - left) / Math.max(days.length, 1)
  const ticks = [0, Math.ceil(max / 2), max]
  return (
    <figure class="chart" aria-label={label}>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label}>
        {ticks.map((t) => {
          const y = H - bottom - (t / max) * (H - bottom - 8)
          return <g><line class="grid" x1={left} x2={W} y1={y} y2={y} /><text class="axis" x={left - 6} y={y + 3} text-anchor="end">{t}</text></g>
        })}
        {days.map((d, i) => {
          let y = H - bottom
          return (
            <g>
              {series.map((k, j) => {
                const n = data[d]?.[k] || 0
                const h = (n / max) * (H - bottom - 8)
                y -= h
                return n ? <rect class={`s${j % 8}`} x={left + i * bw + 1} y={y} width={Math.max(bw - 2, 1)} height={h}><title>{`${d} ${k}: ${n}`}</title></rect> : null
              })}
              {(days.length <= 16 || i % Math.ceil(days.length / 12) === 0) && <text class="axis" x={left + i * bw + bw / 2} y={H - 6} text-anchor="middle">{d.slice(5)}</text>}
            </g>
          )
        })}
      </svg>
      <figcaption class="legend">{series.map((k, j) => <span><i class={`swatch s${j % 8}`} />{k}</span>)}</figcaption>
    </figure>
  )
}

/** Snippet is what to paste into a site to start sending events. */
export function Snippet({ token }) {
  const origin = location.origin
  return (
    <div class="card">
      <p>To send events, add Sieve's browser SDK to your site with this project's token, or point an official Mixpanel SDK's API host at <code>{origin}</code>:</p>
      <pre>{`<script src="${origin}/sdk/sieve.js"></script>
<script>sieve.init("${token}", { api_host: "${origin}" }); sieve.track("Signed up", { plan: "pro" })</script>`}</pre>
      <p>Or send one from a shell:</p>
      <pre>{`curl -s '${origin}/track?verbose=1' \\
  -d 'data={"event":"Signed up","properties":{"token":"${token}","distinct_id":"u1","plan":"pro"}}'`}</pre>
    </div>
  )
}
