// insights.jsx: the trends, funnels and retention builders on
// POST /api/projects/{id}/query, saved insights and dashboards. The query
// document in the URL (?q=) is the single source of truth: the builder reads
// it, every change rewrites it, and the result is the answer to it, so a
// copied URL shows the same insight. Charts come from a lazily loaded chunk
// (../chart.js, with uPlot).
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, qs } from '../api.js'
import { navigate } from '../router.js'
import { download, Empty, ErrorBox, fmt, Load, Loading, Page, pct, Snippet, Table, useLoad } from '../ui.jsx'

const kinds = [['trends', 'Trends'], ['funnels', 'Funnels'], ['retention', 'Retention']]
const maths = ['total', 'unique', 'dau', 'wau', 'mau', 'avg_per_user', 'sum', 'avg', 'min', 'max', 'median', 'p90', 'p99']
const numericMaths = new Set(['sum', 'avg', 'min', 'max', 'median', 'p90', 'p99'])

const day = (d) => d.toISOString().slice(0, 10)
function lastDays(n) {
  const to = new Date()
  return { from: day(new Date(to.getTime() - (n - 1) * 86400000)), to: day(to) }
}

/** fresh is the document a builder starts from for a kind. */
function fresh(kind, events = []) {
  const e0 = events[0] || '', e1 = events[1] || e0
  const base = { kind, ...lastDays(30), interval: 'day' }
  if (kind === 'funnels') return { ...base, series: [{ event: e0 }, { event: e1 }], funnel: { window: 14, window_unit: 'day', order: 'ordered' } }
  if (kind === 'retention') return { ...base, interval: 'week', from: lastDays(56).from, retention: { type: 'first_time', start: { event: e0 }, return: { event: e1 }, intervals: 8 } }
  return { ...base, series: [{ event: e0, math: 'total' }] }
}

/** readQuery parses ?q=; null when absent or not a JSON object. */
function readQuery(params) {
  try {
    const q = JSON.parse(params.get('q') || '')
    return q && typeof q === 'object' && !Array.isArray(q) ? q : null
  } catch {
    return null
  }
}

const insightURL = (q) => `/insights?${new URLSearchParams({ q: JSON.stringify(q) })}`

/** usePickers is what the lexicon offers: event names and the properties
 * that are not guard-stripped (a class the guard removes is never offered). */
function usePickers(project) {
  const lex = useLoad(() => api('GET', `/api/projects/${project.id}/lexicon`), [project.id])
  const l = lex.data || { events: [], properties: [] }
  const props = (l.properties || []).filter((p) => !p.guarded && !(p.classes && p.classes.length))
  return {
    state: lex,
    events: (l.events || []).map((e) => e.name),
    properties: props.map((p) => p.path),
    numeric: props.filter((p) => String(p.types || '').includes('number')).map((p) => p.path),
  }
}

function Pick({ label, value, options, onChange, any }) {
  const opts = value && !options.includes(value) ? [value, ...options] : options
  return (
    <label>{label}
      <select value={value || ''} onChange={(e) => onChange(e.target.value)}>
        {any !== undefined && <option value="">{any}</option>}
        {opts.map((o) => <option value={o}>{o}</option>)}
      </select>
    </label>
  )
}

const letter = (i) => String.fromCharCode(65 + i)

function Builder({ q, set, pk }) {
  const put = (patch) => set({ ...q, ...patch })
  const series = q.series || []
  const putSeries = (i, patch) => put({ series: series.map((s, j) => (j === i ? { ...s, ...patch } : s)) })
  const drop = (i) => put({ series: series.filter((_, j) => j !== i) })
  const bd = (q.breakdown || [])[0]?.property || ''
  const intervals = q.kind === 'retention' ? ['day', 'week', 'month'] : ['hour', 'day', 'week', 'month']
  return (
    <form class="card builder" onSubmit={(e) => e.preventDefault()} aria-label="Query">
      <div class="row" role="tablist" aria-label="Kind">
        {kinds.map(([k, t]) => <button type="button" role="tab" aria-selected={q.kind === k} class={q.kind === k ? 'tab on' : 'tab'}
          onClick={() => q.kind !== k && set({ ...fresh(k, pk.events), from: q.from, to: q.to })}>{t}</button>)}
      </div>
      <div class="row wrap">
        <label>From<input type="date" value={q.from} onChange={(e) => put({ from: e.target.value })} required /></label>
        <label>To<input type="date" value={q.to} onChange={(e) => put({ to: e.target.value })} required /></label>
        <Pick label="Interval" value={q.interval || 'day'} options={intervals} onChange={(v) => put({ interval: v })} />
        <Pick label="Breakdown" value={bd} options={pk.properties} any="None" onChange={(v) => put({ breakdown: v ? [{ property: v }] : undefined })} />
        {q.kind === 'trends' && <label class="check"><input type="checkbox" checked={!!q.compare} onChange={(e) => put({ compare: e.target.checked || undefined })} />Compare with the previous period</label>}
      </div>
      {q.kind === 'trends' && (
        <fieldset><legend>Series</legend>
          {series.map((s, i) => (
            <div class="row wrap">
              <strong>{letter(i)}</strong>
              <Pick label="Event" value={s.event} options={pk.events} any="Any event" onChange={(v) => putSeries(i, { event: v })} />
              <Pick label="Measure" value={s.math || 'total'} options={maths} onChange={(v) => putSeries(i, { math: v, property: numericMaths.has(v) ? (s.property || pk.numeric[0] || '') : undefined })} />
              {numericMaths.has(s.math) && <Pick label="Of property" value={s.property} options={pk.numeric} onChange={(v) => putSeries(i, { property: v })} />}
              {series.length > 1 && <button type="button" class="link" onClick={() => drop(i)} aria-label={`Remove series ${letter(i)}`}>Remove</button>}
            </div>
          ))}
          {series.length < 26 && <button type="button" onClick={() => put({ series: [...series, { event: pk.events[0] || '', math: 'total' }] })}>Add series</button>}
        </fieldset>
      )}
      {q.kind === 'funnels' && (
        <fieldset><legend>Steps</legend>
          {series.map((s, i) => (
            <div class="row">
              <strong>{i + 1}</strong>
              <Pick label={`Step ${i + 1}`} value={s.event} options={pk.events} onChange={(v) => putSeries(i, { event: v })} />
              {series.length > 2 && <button type="button" class="link" onClick={() => drop(i)} aria-label={`Remove step ${i + 1}`}>Remove</button>}
            </div>
          ))}
          {series.length < 20 && <button type="button" onClick={() => put({ series: [...series, { event: pk.events[0] || '' }] })}>Add step</button>}
          <div class="row wrap">
            <label>Conversion window<input type="number" min="1" value={q.funnel?.window ?? 14} onChange={(e) => put({ funnel: { ...q.funnel, window: Number(e.target.value) } })} /></label>
            <Pick label="Unit" value={q.funnel?.window_unit || 'day'} options={['minute', 'hour', 'day', 'week', 'month']} onChange={(v) => put({ funnel: { ...q.funnel, window_unit: v } })} />
            <Pick label="Order" value={q.funnel?.order || 'ordered'} options={['ordered', 'strict', 'any']} onChange={(v) => put({ funnel: { ...q.funnel, order: v } })} />
          </div>
        </fieldset>
      )}
      {q.kind === 'retention' && (
        <fieldset><legend>Retention</legend>
          <div class="row wrap">
            <Pick label="Users who did" value={q.retention?.start?.event} options={pk.events} onChange={(v) => put({ retention: { ...q.retention, start: { event: v } } })} />
            <Pick label="And came back to do" value={q.retention?.return?.event} options={pk.events} any="Any event" onChange={(v) => put({ retention: { ...q.retention, return: { event: v } } })} />
            <Pick label="Cohort" value={q.retention?.type || 'first_time'} options={['first_time', 'recurring']} onChange={(v) => put({ retention: { ...q.retention, type: v } })} />
            <label>Intervals<input type="number" min="1" max="100" value={q.retention?.intervals ?? 8} onChange={(e) => put({ retention: { ...q.retention, intervals: Number(e.target.value) } })} /></label>
          </div>
        </fieldset>
      )}
    </form>
  )
}

// ---- results: chart data, tables and CSV, one shape per kind ----

const rowName = (r) => (r.breakdown && r.breakdown.length ? `${r.name} · ${r.breakdown.join(', ')}` : r.name)

/** plot is what the chart draws for a result. */
function plot(res) {
  if (res.trends) {
    const t = res.trends
    const series = []
    for (const r of t.series) {
      series.push({ name: rowName(r), values: r.values })
      if (r.previous) series.push({ name: `${rowName(r)} (previous period)`, values: r.previous })
    }
    return { labels: t.buckets, series }
  }
  if (res.funnel) return { labels: res.funnel.steps.map((s, i) => `${i + 1}. ${s.event}`), series: [{ name: 'Users', values: res.funnel.steps.map((s) => s.count) }], bars: true }
  if (res.retention) return { labels: retentionCurve(res.retention).map((_, i) => `${i}`), series: [{ name: 'Retained %', values: retentionCurve(res.retention) }], percent: true }
  return null
}

/** retentionCurve is, per interval, the percentage of all cohorts' members
 * who returned (weighted by cohort size; a cohort too recent to have
 * reached an interval does not count for it). */
function retentionCurve(r) {
  const n = Math.max(0, ...r.cohorts.map((c) => c.counts.length))
  const out = []
  for (let i = 0; i < n; i++) {
    let size = 0, back = 0
    for (const c of r.cohorts) if (i < c.counts.length) { size += c.size; back += c.counts[i] }
    out.push(size ? Math.round((back / size) * 10000) / 100 : 0)
  }
  return out
}

/** table is the result as header and rows (also the CSV's content). */
function table(res) {
  if (res.trends) {
    const t = res.trends
    const head = ['Series', 'Breakdown', ...t.buckets]
    const rows = []
    for (const r of t.series) {
      rows.push([r.name, (r.breakdown || []).join(', '), ...r.values])
      if (r.previous) rows.push([`${r.name} (previous period)`, (r.breakdown || []).join(', '), ...r.previous])
    }
    return { head, rows }
  }
  if (res.funnel) {
    const head = ['Breakdown', 'Step', 'Event', 'Users', 'Step conversion', 'Overall conversion', 'Median seconds from previous step']
    const rows = []
    const add = (bd, steps) => steps.forEach((s, i) => rows.push([bd, i + 1, s.event, s.count, s.step_conversion, s.overall_conversion, s.median_time_seconds ?? '']))
    add('', res.funnel.steps)
    for (const b of res.funnel.breakdowns || []) add(b.breakdown.join(', '), b.steps)
    return { head, rows }
  }
  if (res.retention) {
    const n = Math.max(0, ...res.retention.cohorts.map((c) => c.counts.length))
    const head = ['Cohort', 'Breakdown', 'Size', ...Array.from({ length: n }, (_, i) => `Interval ${i}`)]
    return { head, rows: res.retention.cohorts.map((c) => [c.date, (c.breakdown || []).join(', '), c.size, ...c.counts]) }
  }
  return { head: [], rows: [] }
}

/** csv renders a table as RFC 4180 text. Text cells that a spreadsheet
 * would run as a formula (=, +, -, @) get a leading apostrophe: event names
 * and property values come from anyone who can send events. */
function csv({ head, rows }) {
  const cell = (v) => {
    if (typeof v === 'number') return String(v)
    let s = String(v ?? '')
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}

function isEmpty(res) {
  if (res.trends) return res.trends.series.every((r) => r.values.every((v) => !v))
  if (res.funnel) return !res.funnel.steps.length || res.funnel.steps[0].count === 0
  if (res.retention) return res.retention.cohorts.every((c) => !c.size)
  return true
}

/** Chart loads ../chart.js (and uPlot) on first use and draws into a div. */
function Chart({ spec, label }) {
  const el = useRef(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    let undo = () => {}, live = true
    import('../chart.js').then((m) => { if (live && el.current) undo = m.draw(el.current, spec) }).catch((e) => setError(e))
    return () => { live = false; undo() }
  }, [JSON.stringify(spec)])
  return <figure class="chart"><div ref={el} class="plot" role="img" aria-label={label} data-chart="1" /><ErrorBox error={error} /></figure>
}

function ResultTable({ t, caption }) {
  const show = (h, v) => (typeof v !== 'number' ? fmt(v) : /conversion/i.test(h) ? pct(v) : Number.isInteger(v) ? fmt(v) : v.toFixed(2))
  return <Table caption={caption} rows={t.rows} cols={t.head.map((h, i) => ({ label: h, num: typeof t.rows[0]?.[i] === 'number', render: (r) => show(h, r[i]) }))} />
}

/** Result runs a query document and shows its chart and table. */
function Result({ project, q, compact = false, title = 'insight' }) {
  const text = JSON.stringify(q)
  const state = useLoad(() => api('POST', `/api/projects/${project.id}/query`, q), [project.id, text])
  if (state.error) return <ErrorBox error={state.error} />
  if (state.loading || !state.data) return <Loading what="Running the query" />
  const res = state.data.results || {}
  if (isEmpty(res)) return <Empty>No matching events between {q.from} and {q.to}. Widen the date range or pick other events.</Empty>
  const t = table(res)
  return (
    <div class="result">
      <Chart spec={plot(res)} label={`Chart of the ${q.kind} ${title}`} />
      {!compact && (
        <>
          <div class="row"><span class="muted">{state.data.rows_scanned?.toLocaleString('en-US')} rows read in {Math.round(state.data.elapsed_ms)} ms · time zone {state.data.time_zone}</span><span class="grow" />
            <button type="button" onClick={() => download(`${q.kind}-${q.from}-${q.to}.csv`, csv(t), 'text/csv')}>Download CSV</button></div>
          <ResultTable t={t} caption={`Results of the ${q.kind} query`} />
        </>
      )}
    </div>
  )
}

function SaveBox({ project, q, me, onSaved }) {
  const [msg, setMsg] = useState(null)
  const [error, setError] = useState(null)
  const boards = useLoad(() => api('GET', `/api/projects/${project.id}/dashboards`), [project.id])
  if (me && me.role === 'ingest') return null
  async function save(e) {
    e.preventDefault()
    const f = new FormData(e.target)
    setError(null)
    try {
      const ins = await api('POST', `/api/projects/${project.id}/insights`, { name: f.get('name'), query: q })
      const did = Number(f.get('dashboard'))
      if (did) {
        const d = await api('GET', `/api/projects/${project.id}/dashboards/${did}`)
        await api('PUT', `/api/projects/${project.id}/dashboards/${did}`, { ...d, insights: [...(d.insights || []), ins.id] })
      }
      onSaved()
      setMsg(did ? `Saved “${ins.name}” and added it to the dashboard.` : `Saved “${ins.name}”.`)
      e.target.reset()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form class="card row wrap" onSubmit={save} aria-label="Save this insight">
      <label>Name<input name="name" required maxLength={200} autocomplete="off" /></label>
      <label>Add to dashboard<select name="dashboard"><option value="">None</option>{(boards.data?.dashboards || []).map((d) => <option value={d.id}>{d.name}</option>)}</select></label>
      <button type="submit">Save insight</button>
      {msg && <span role="status">{msg}</span>}
      <ErrorBox error={error} />
    </form>
  )
}

export function Insights({ project, params, me }) {
  const pk = usePickers(project)
  const saved = useLoad(() => api('GET', `/api/projects/${project.id}/insights`), [project.id])
  const q = readQuery(params)
  const set = (next) => navigate(insightURL(next))
  useEffect(() => {
    // Without a document in the URL, start one from the lexicon's events.
    if (!q && pk.state.data && pk.events.length) {
      history.replaceState(null, '', insightURL(fresh('trends', pk.events)))
      dispatchEvent(new PopStateEvent('popstate'))
    }
  }, [!q, pk.state.loading])
  return (
    <Page title="Insights" lead="Trends, funnels and retention over the stored events. The address bar holds the query: copy it to share this insight.">
      <Load state={pk.state} what="Reading the lexicon">{() => !pk.events.length
        ? <><p class="notice" role="status">{project.name} has no events yet: send some, then build an insight.</p><Snippet token={project.token} /></>
        : !q ? <Loading /> : (
          <>
            <Builder q={q} set={set} pk={pk} />
            <Result project={project} q={q} />
            <SaveBox project={project} q={q} me={me} onSaved={() => saved.reload(true)} />
            <SavedList state={saved} />
          </>
        )}</Load>
    </Page>
  )
}

function SavedList({ state }) {
  return (
    <>
      <h3>Saved insights</h3>
      <Load state={state}>{(d) => (
        <Table caption="Saved insights" rows={d.insights} empty="No saved insights yet: build one above and save it." cols={[
          { label: 'Name', render: (i) => <a href={insightURL(i.query)}>{i.name}</a> }, { label: 'Kind', render: (i) => i.query.kind },
          { label: 'Range', render: (i) => `${i.query.from} – ${i.query.to}` }, { label: 'Updated', render: (i) => i.updated_at?.slice(0, 10) }]} />
      )}</Load>
    </>
  )
}

// ---- dashboards ----

export function Dashboards({ project, params }) {
  const id = Number(params.get('id')) || 0
  const list = useLoad(() => api('GET', `/api/projects/${project.id}/dashboards`), [project.id, id])
  const [error, setError] = useState(null)
  async function create(e) {
    e.preventDefault()
    setError(null)
    try {
      const d = await api('POST', `/api/projects/${project.id}/dashboards`, { name: new FormData(e.target).get('name') })
      navigate(`/dashboards?id=${d.id}`)
    } catch (err) {
      setError(err)
    }
  }
  if (id) return <Dashboard project={project} id={id} params={params} />
  return (
    <Page title="Dashboards" lead="Saved insights side by side, over one date range.">
      <form class="card row" onSubmit={create} aria-label="New dashboard">
        <label>Name<input name="name" required maxLength={200} autocomplete="off" /></label>
        <button type="submit">Create dashboard</button>
        <ErrorBox error={error} />
      </form>
      <Load state={list}>{(d) => (
        <Table caption="Dashboards" rows={d.dashboards} empty="No dashboards yet: create one, then add insights to it from Insights." cols={[
          { label: 'Name', render: (b) => <a href={`/dashboards?id=${b.id}`}>{b.name}</a> }, { label: 'Insights', render: (b) => (b.insights || []).length, num: true },
          { label: 'Date range', render: (b) => (b.from ? `${b.from} – ${b.to}` : 'each insight’s own') }]} />
      )}</Load>
    </Page>
  )
}

function Dashboard({ project, id, params }) {
  const state = useLoad(async () => {
    const d = await api('GET', `/api/projects/${project.id}/dashboards/${id}`)
    const all = await api('GET', `/api/projects/${project.id}/insights`)
    return { d, byID: new Map(all.insights.map((i) => [i.id, i])) }
  }, [project.id, id])
  const [error, setError] = useState(null)
  // The dashboard-wide range: the URL's, else the dashboard's saved one.
  const from = params.get('from') || state.data?.d.from || ''
  const to = params.get('to') || state.data?.d.to || ''
  const range = (patch) => navigate(`/dashboards${qs({ id, from, to, ...patch })}`)
  async function saveRange() {
    setError(null)
    try {
      await api('PUT', `/api/projects/${project.id}/dashboards/${id}`, { ...state.data.d, from, to })
      state.reload(true)
    } catch (err) { setError(err) }
  }
  async function remove(iid) {
    setError(null)
    try {
      await api('PUT', `/api/projects/${project.id}/dashboards/${id}`, { ...state.data.d, insights: state.data.d.insights.filter((x) => x !== iid) })
      state.reload(true)
    } catch (err) { setError(err) }
  }
  return (
    <Load state={state}>{({ d, byID }) => (
      <Page title={d.name} lead="Every insight over the dashboard's date range (empty: each insight's own).">
        <div class="card row wrap" role="group" aria-label="Dashboard date range">
          <label>From<input type="date" value={from} onChange={(e) => range({ from: e.target.value })} /></label>
          <label>To<input type="date" value={to} onChange={(e) => range({ to: e.target.value })} /></label>
          <button type="button" onClick={saveRange}>Save this range</button>
          <button type="button" class="link" onClick={() => range({ from: '', to: '' })}>Each insight’s own range</button>
          <ErrorBox error={error} />
        </div>
        {(d.insights || []).length === 0 ? <Empty>This dashboard is empty. Open Insights, build one and save it to “{d.name}”.</Empty> : (
          <div class="tiles">
            {d.insights.map((iid) => {
              const ins = byID.get(iid)
              if (!ins) return <div class="card tile"><p class="muted">Insight #{iid} was deleted.</p><button type="button" class="link" onClick={() => remove(iid)}>Remove</button></div>
              const q = from && to ? { ...ins.query, from, to } : ins.query
              return (
                <article class="card tile" aria-label={ins.name}>
                  <div class="row"><h3><a href={insightURL(q)}>{ins.name}</a></h3><span class="grow" /><span class="muted">{q.from} – {q.to}</span>
                    <button type="button" class="link" onClick={() => remove(iid)} aria-label={`Remove ${ins.name} from the dashboard`}>Remove</button></div>
                  <Result project={project} q={q} compact title={ins.name} />
                </article>
              )
            })}
          </div>
        )}
      </Page>
    )}</Load>
  )
}
