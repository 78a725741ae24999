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

const kinds = [['trends', 'Trends'], ['funnels', 'Funnels'], ['retention', 'Retention'], ['addiction', 'Frequency']]
const maths = ['total', 'unique', 'dau', 'wau', 'mau', 'avg_per_user', 'sum', 'avg', 'min', 'max', 'median', 'p90', 'p99']
const numericMaths = new Set(['sum', 'avg', 'min', 'max', 'median', 'p90', 'p99'])

const day = (d) => d.toISOString().slice(0, 10)
function lastDays(n) {
  const to = new Date()
  return { from: day(new Date(to.getTime() - (n - 1) * 86400000)), to: day(to) }
}

// Quick ranges: the last n days, today included.
const presets = [7, 14, 30, 90, 180]
const presetOf = (q) => String(presets.find((n) => { const r = lastDays(n); return r.from === q.from && r.to === q.to }) || 'custom')

/** fresh is the document a builder starts from for a kind. */
function fresh(kind, events = []) {
  const e0 = events[0] || '', e1 = events[1] || e0
  const base = { kind, ...lastDays(30), interval: 'day' }
  if (kind === 'funnels') return { ...base, series: [{ event: e0 }, { event: e1 }], funnel: { window: 14, window_unit: 'day', order: 'ordered' } }
  if (kind === 'addiction') return { ...base, interval: 'week', series: [{ event: e0 }], addiction: { unit: 'day' } }
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
function usePickers(project, wantUser) {
  const lex = useLoad(() => api('GET', `/api/projects/${project.id}/lexicon`), [project.id])
  const users = useUserProps(project, wantUser)
  const l = lex.data || { events: [], properties: [] }
  const props = (l.properties || []).filter((p) => !p.guarded && !(p.classes && p.classes.length))
  return {
    state: lex,
    events: (l.events || []).map((e) => e.name),
    properties: props.map((p) => p.path),
    numeric: props.filter((p) => String(p.types || '').includes('number')).map((p) => p.path),
    userProps: users,
  }
}

/** usesUser says whether a query document reads the user's profile
 * (a user-scoped condition or breakdown). */
const usesUser = (q) => !!q && JSON.stringify(q).includes('"scope":"user"')

/** useUserProps is the profile property names seen on up to 500 profiles
 * (GET /api/2.0/engage), read only once a document uses a user property:
 * the lexicon records event properties only. The pickers offer these and
 * take any other name typed. */
function useUserProps(project, want) {
  const [names, setNames] = useState([])
  const [asked, setAsked] = useState(false)
  useEffect(() => { setNames([]); setAsked(false) }, [project.id])
  useEffect(() => {
    if (!want || asked) return
    setAsked(true)
    api('GET', `/api/2.0/engage${qs({ project_id: project.id, page_size: 500 })}`).then((r) => {
      const seen = new Set()
      for (const p of r.results || []) for (const k of Object.keys(p.$properties || {})) seen.add(k)
      setNames([...seen].sort())
    }, () => {})
  }, [want, asked, project.id])
  return names
}

/** PropPick picks a property of the event (from the lexicon) or of the
 * user's profile (seen on profiles, or typed: a text input with
 * suggestions, committed on change). */
function PropPick({ label, scope, value, pk, onChange }) {
  const id = `userprops-${useRef(Math.random().toString(36).slice(2)).current}`
  if (scope !== 'user') return <Pick label={label} value={value} options={pk.properties} onChange={onChange} />
  return (
    <label>{label}
      <input value={value || ''} list={id} required autocomplete="off" placeholder="e.g. plan" onChange={(e) => onChange(e.target.value.trim())} />
      <datalist id={id}>{pk.userProps.map((o) => <option value={o} />)}</datalist>
    </label>
  )
}

/** SelectField is a select whose label is its own element (for=), so the
 * label's text is not mixed with the options' (as it is in <label>text<select>). */
function SelectField({ label, value, onChange, children }) {
  const id = `sel-${useRef(Math.random().toString(36).slice(2)).current}`
  return <div class="field"><label for={id}>{label}</label><select id={id} value={value} onChange={(e) => onChange(e.target.value)}>{children}</select></div>
}

const scopes = [['event', 'the event'], ['user', 'the user’s profile']]

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
  const intervals = q.kind === 'retention' || q.kind === 'addiction' ? ['day', 'week', 'month'] : ['hour', 'day', 'week', 'month']
  const putRet = (which, patch) => put({ retention: { ...q.retention, [which]: { ...q.retention?.[which], ...patch } } })
  const putInterval = (v) => put(q.kind === 'addiction' && v === 'day' ? { interval: v, addiction: { unit: 'hour' } } : { interval: v })
  return (
    <form class="card builder" onSubmit={(e) => e.preventDefault()} aria-label="Query">
      <div class="row" role="tablist" aria-label="Kind" onKeyDown={(e) => {
        // Arrow keys move between the kinds, as in any tab list.
        const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key]
        if (!d) return
        const i = (kinds.findIndex(([k]) => k === q.kind) + d + kinds.length) % kinds.length
        const list = e.currentTarget
        e.preventDefault()
        set({ ...fresh(kinds[i][0], pk.events), from: q.from, to: q.to })
        requestAnimationFrame(() => list.querySelectorAll('[role=tab]')[i]?.focus())
      }}>
        {kinds.map(([k, t]) => <button type="button" role="tab" aria-selected={q.kind === k} tabIndex={q.kind === k ? 0 : -1} class={q.kind === k ? 'tab on' : 'tab'}
          onClick={() => q.kind !== k && set({ ...fresh(k, pk.events), from: q.from, to: q.to })}>{t}</button>)}
      </div>
      <div class="row wrap">
        <SelectField label="Range" value={presetOf(q)} onChange={(v) => v !== 'custom' && put(lastDays(Number(v)))}>
          {presets.map((n) => <option value={String(n)}>Last {n} days</option>)}<option value="custom">Custom</option></SelectField>
        <label>From<input type="date" value={q.from} onChange={(e) => put({ from: e.target.value })} required /></label>
        <label>To<input type="date" value={q.to} onChange={(e) => put({ to: e.target.value })} required /></label>
        <Pick label="Interval" value={q.interval || 'day'} options={intervals} onChange={putInterval} />
        {q.kind === 'trends' && <label class="check"><input type="checkbox" checked={!!q.compare} onChange={(e) => put({ compare: e.target.checked || undefined })} />Compare with the previous period</label>}
      </div>
      {q.kind === 'trends' && (
        <fieldset><legend>Series</legend>
          {series.map((s, i) => (
            <div class="series"><div class="row wrap">
              <strong>{letter(i)}</strong>
              <Pick label="Event" value={s.event} options={pk.events} any="Any event" onChange={(v) => putSeries(i, { event: v })} />
              <Pick label="Measure" value={s.math || 'total'} options={maths} onChange={(v) => putSeries(i, { math: v, property: numericMaths.has(v) ? (s.property || pk.numeric[0] || '') : undefined })} />
              {numericMaths.has(s.math) && <Pick label="Of property" value={s.property} options={pk.numeric} onChange={(v) => putSeries(i, { property: v })} />}
              {series.length > 1 && <button type="button" class="link" onClick={() => drop(i)} aria-label={`Remove series ${letter(i)}`}>Remove</button>}
              <SeriesFilter s={s} putSeries={putSeries} i={i} pk={pk} what={`series ${letter(i)}`} />
            </div><SeriesFilter s={s} putSeries={putSeries} i={i} pk={pk} what={`series ${letter(i)}`} editor /></div>
          ))}
          {series.length < 26 && <button type="button" class="secondary" onClick={() => put({ series: [...series, { event: pk.events[0] || '', math: 'total' }] })}>Add series</button>}
        </fieldset>
      )}
      {q.kind === 'funnels' && (
        <fieldset><legend>Steps</legend>
          {series.map((s, i) => (
            <div class="series"><div class="row wrap">
              <strong>{i + 1}</strong>
              <Pick label={`Step ${i + 1}`} value={s.event} options={pk.events} onChange={(v) => putSeries(i, { event: v })} />
              {series.length > 2 && <button type="button" class="link" onClick={() => drop(i)} aria-label={`Remove step ${i + 1}`}>Remove</button>}
              <SeriesFilter s={s} putSeries={putSeries} i={i} pk={pk} what={`step ${i + 1}`} />
            </div><SeriesFilter s={s} putSeries={putSeries} i={i} pk={pk} what={`step ${i + 1}`} editor /></div>
          ))}
          {series.length < 20 && <button type="button" class="secondary" onClick={() => put({ series: [...series, { event: pk.events[0] || '' }] })}>Add step</button>}
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
            <Pick label="Users who did" value={q.retention?.start?.event} options={pk.events} onChange={(v) => putRet('start', { event: v })} />
            <RetentionFilter q={q} putRet={putRet} which="start" pk={pk} />
            <Pick label="And came back to do" value={q.retention?.return?.event} options={pk.events} any="Any event" onChange={(v) => putRet('return', { event: v || undefined })} />
            <RetentionFilter q={q} putRet={putRet} which="return" pk={pk} />
            <Pick label="Cohort" value={q.retention?.type || 'first_time'} options={['first_time', 'recurring']} onChange={(v) => put({ retention: { ...q.retention, type: v } })} />
            <label>Intervals<input type="number" min="1" max="100" value={q.retention?.intervals ?? 8} onChange={(e) => put({ retention: { ...q.retention, intervals: Number(e.target.value) } })} /></label>
            <Pick label="Counted in interval" value={q.retention?.mode || 'on'} options={['on', 'on_or_after']} onChange={(v) => put({ retention: { ...q.retention, mode: v === 'on' ? undefined : v } })} />
          </div>
          <RetentionFilter q={q} putRet={putRet} which="start" pk={pk} editor />
          <RetentionFilter q={q} putRet={putRet} which="return" pk={pk} editor />
        </fieldset>
      )}
      {q.kind === 'addiction' && (
        <fieldset><legend>Frequency</legend>
          <p class="muted">Per {q.interval || 'week'}, how many users did the event in at least 1, 2, 3… distinct {q.addiction?.unit === 'hour' ? 'hours' : 'days'} of it.</p>
          <div class="series"><div class="row wrap">
            <Pick label="Event" value={series[0]?.event} options={pk.events} any="Any event" onChange={(v) => putSeries(0, { event: v || undefined })} />
            <Pick label="Distinct" value={q.addiction?.unit || 'day'} options={q.interval === 'day' ? ['hour'] : ['hour', 'day']} onChange={(v) => put({ addiction: { unit: v } })} />
            <SeriesFilter s={series[0] || {}} putSeries={putSeries} i={0} pk={pk} what="the event" />
          </div><SeriesFilter s={series[0] || {}} putSeries={putSeries} i={0} pk={pk} what="the event" editor /></div>
        </fieldset>
      )}
      <div class="addons">
        {q.kind !== 'addiction' && <Breakdowns q={q} put={put} pk={pk} />}
        <Filters q={q} put={put} pk={pk} />
        {q.kind === 'trends' && <Formulas q={q} put={put} />}
        {q.kind === 'funnels' && <Exclusions q={q} put={put} pk={pk} />}
      </div>
    </form>
  )
}

/** Breakdowns: up to three, each an event property, a user (profile)
 * property, the event's name, or an expression (section 6 of QUERIES.md);
 * on trends, a numeric event property can be split into equal-width bins. */
function Breakdowns({ q, put, pk }) {
  const list = q.breakdown || []
  const set = (next) => put({ breakdown: next.length ? next : undefined })
  const putAt = (i, b) => set(list.map((x, j) => (j === i ? b : x)))
  const kindOf = (b) => (b.expr !== undefined ? 'expr' : b.scope === 'event_name' ? 'event_name' : b.scope === 'user' ? 'user' : 'event')
  const switchTo = (i, k) => putAt(i, k === 'expr' ? { expr: list[i].property ? `properties["${list[i].property}"]` : 'properties["$browser"]' }
    : k === 'event_name' ? { scope: 'event_name' } : k === 'user' ? { property: '', scope: 'user' } : { property: pk.properties[0] || '' })
  return (
    <fieldset class={list.length ? 'wide' : undefined}><legend>Breakdown</legend>
      {list.map((b, i) => {
        const k = kindOf(b)
        return (
          <div class="row wrap" role="group" aria-label={`Breakdown ${i + 1}`}>
            <SelectField label={`Breakdown ${i + 1} by`} value={k} onChange={(v) => switchTo(i, v)}>
              <option value="event">Event property</option><option value="user">User property</option>
              <option value="event_name">Event name</option><option value="expr">Expression</option></SelectField>
            {(k === 'event' || k === 'user') && <PropPick label="Property" scope={k} value={b.property} pk={pk}
              onChange={(v) => putAt(i, { ...b, property: v, bins: k === 'event' && pk.numeric.includes(v) ? b.bins : undefined })} />}
            {k === 'expr' && <label class="grow">Expression<input class="mono" value={b.expr} required autocomplete="off" spellcheck={false}
              placeholder='floor(number(properties["amount"]) / 10)' onChange={(e) => putAt(i, { expr: e.target.value })} /></label>}
            {q.kind === 'trends' && k === 'event' && pk.numeric.includes(b.property) && (
              <label>Bins<input type="number" min="0" max="100" value={b.bins || ''} placeholder="none" onChange={(e) => putAt(i, { ...b, bins: Number(e.target.value) || undefined })} /></label>
            )}
            <button type="button" class="link" onClick={() => set(list.filter((_, j) => j !== i))} aria-label={`Remove breakdown ${i + 1}`}>Remove</button>
          </div>
        )
      })}
      {list.length < 3 && <button type="button" class="secondary" onClick={() => set([...list, pk.properties.length ? { property: pk.properties[0] } : { scope: 'event_name' }])}>Add breakdown</button>}
    </fieldset>
  )
}

// Filter conditions the builder shows: operator, label, and what the value is.
const ops = [['eq', 'equals'], ['ne', 'does not equal'], ['contains', 'contains'], ['not_contains', 'does not contain'],
  ['in', 'is one of'], ['not_in', 'is none of'], ['gt', '>'], ['gte', '≥'], ['lt', '<'], ['lte', '≤'], ['regex', 'matches'], ['is_set', 'is set'], ['is_not_set', 'is not set']]
const noValue = new Set(['is_set', 'is_not_set'])
const listOps = new Set(['in', 'not_in'])
const numberOps = new Set(['gt', 'gte', 'lt', 'lte'])

const simple = (c) => !!c && typeof c.property === 'string' && (!c.scope || c.scope === 'event' || c.scope === 'user') && ops.some(([o]) => o === c.operator) &&
  Object.keys(c).every((k) => ['property', 'scope', 'operator', 'value'].includes(k))

/** groupsOf is the filter as AND-ed groups of OR-ed event-property
 * conditions (a group of one is a plain condition), or null when it holds
 * more than the builder shows (it then runs as written and is shown
 * read-only). */
function groupsOf(f) {
  if (!f) return []
  const only = (k) => Object.keys(f).length === 1 && Array.isArray(f[k])
  const items = only('and') ? f.and : only('or') || simple(f) ? [f] : null
  if (!items) return null
  const out = []
  for (const it of items) {
    if (simple(it)) out.push([it])
    else if (it && Object.keys(it).length === 1 && Array.isArray(it.or) && it.or.length > 0 && it.or.every(simple)) out.push(it.or)
    else return null
  }
  return out
}

/** filterOf is the filter document of groups: {and: [condition | {or: [...]}]}. */
const filterOf = (groups) => (groups.length ? { and: groups.map((g) => (g.length === 1 ? g[0] : { or: g })) } : undefined)

/** typed is the value a condition compares with: numbers for numeric
 * operators and numeric properties, lists for in/not_in. */
function typed(op, text, numeric) {
  const one = (t) => {
    const n = Number(t)
    return (numberOps.has(op) || numeric) && t.trim() !== '' && Number.isFinite(n) ? n : t
  }
  if (noValue.has(op)) return undefined
  if (listOps.has(op)) return text.split(',').map((t) => t.trim()).filter((t) => t !== '').map(one)
  return one(text)
}
const shown = (v) => (Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v))

/** Filters: event-property conditions every counted event must meet. */
function Filters({ q, put, pk }) {
  return <FilterEditor filter={q.filter} onChange={(f) => put({ filter: f })} pk={pk} of="" legend="Filter (every condition)" add="Add condition" />
}

/**
 * FilterEditor edits a filter as conditions that must all hold, each of
 * which may have alternatives ("or"): {and: [c1, {or: [c2, c3]}]}. of
 * names what the filter belongs to in labels (" of series A"); a filter
 * holding more than this shows read-only, with a button to remove it.
 */
function FilterEditor({ filter, onChange, pk, of, legend, add }) {
  const groups = groupsOf(filter)
  if (groups === null) {
    return <fieldset><legend>{legend}</legend><p class="muted">This filter holds more than the builder can show; it runs as written in the address bar.</p>
      <code class="wrap">{JSON.stringify(filter)}</code> <button type="button" class="link" onClick={() => onChange(undefined)}>Remove the filter{of}</button></fieldset>
  }
  const set = (next) => onChange(filterOf(next.filter((g) => g.length)))
  const putAt = (i, k, c) => set(groups.map((g, j) => (j === i ? g.map((x, m) => (m === k ? c : x)) : g)))
  const dropAt = (i, k) => set(groups.map((g, j) => (j === i ? g.filter((_, m) => m !== k) : g)))
  const make = (c) => {
    const out = { property: c.property, operator: c.operator }
    if (c.scope === 'user') out.scope = 'user'
    const v = typed(c.operator, shown(c.value), c.scope !== 'user' && pk.numeric.includes(c.property))
    if (v !== undefined) out.value = v
    return out
  }
  const name = (i, k) => `Condition ${i + 1}${k > 0 ? ` or ${k + 1}` : ''}${of}`
  return (
    <fieldset class={groups.length ? 'wide' : undefined}><legend>{legend}</legend>
      {groups.map((g, i) => (
        <div class="orgroup">
          {g.map((c, k) => (
            <div class="row wrap" role="group" aria-label={name(i, k)}>
              {k > 0 && <span class="muted">or</span>}
              <SelectField label="Of" value={c.scope === 'user' ? 'user' : 'event'} onChange={(v) => putAt(i, k, make({ ...c, scope: v, property: v === 'user' ? '' : pk.properties[0] || '' }))}>
                {scopes.map(([v, t]) => <option value={v}>{t}</option>)}</SelectField>
              <PropPick label="Property" scope={c.scope} value={c.property} pk={pk} onChange={(v) => putAt(i, k, make({ ...c, property: v }))} />
              <label>Operator<select value={c.operator} onChange={(e) => putAt(i, k, make({ ...c, operator: e.target.value }))}>
                {ops.map(([o, t]) => <option value={o}>{t}</option>)}</select></label>
              {!noValue.has(c.operator) && (
                <label>{listOps.has(c.operator) ? 'Values (comma-separated)' : 'Value'}
                  <input value={shown(c.value)} onChange={(e) => putAt(i, k, make({ ...c, value: e.target.value }))} required autocomplete="off" /></label>
              )}
              <button type="button" class="link" onClick={() => dropAt(i, k)} aria-label={`Remove ${name(i, k).toLowerCase()}`}>Remove</button>
            </div>
          ))}
          {g.length < 20 && <button type="button" class="link" onClick={() => set(groups.map((x, j) => (j === i ? [...x, make({ ...x[x.length - 1], operator: 'is_set' })] : x)))}
            aria-label={`Or: an alternative to ${name(i, 0).toLowerCase()}`}>or…</button>}
        </div>
      ))}
      {groups.length < 20 && pk.properties.length > 0 && <button type="button" class="secondary" onClick={() => set([...groups, [{ property: pk.properties[0], operator: 'is_set' }]])}>{add}</button>}
    </fieldset>
  )
}

/** SeriesFilter: the button that starts a filter of one series or funnel
 * step (only its events count), or, when it has one, its editor. */
function SeriesFilter({ s, putSeries, i, pk, what, editor }) {
  if (editor) {
    return s.filter ? <FilterEditor filter={s.filter} onChange={(f) => putSeries(i, { filter: f })} pk={pk} of={` of ${what}`} legend={`Filter of ${what} (its events only)`} add={`Add a condition to ${what}`} /> : null
  }
  return !s.filter && pk.properties.length > 0
    ? <button type="button" class="link" onClick={() => putSeries(i, { filter: { and: [{ property: pk.properties[0], operator: 'is_set' }] } })}>Filter {what}</button>
    : null
}

/** RetentionFilter: as SeriesFilter, for the retention's start or return
 * event (which of its events count as a start or a return). */
function RetentionFilter({ q, putRet, which, pk, editor }) {
  const f = q.retention?.[which]?.filter
  const what = which === 'start' ? 'the start event' : 'the return event'
  if (editor) {
    return f ? <FilterEditor filter={f} onChange={(v) => putRet(which, { filter: v })} pk={pk} of={` of ${what}`} legend={`Filter of ${what} (which of its events count)`} add={`Add a condition to ${what}`} /> : null
  }
  return !f && pk.properties.length > 0
    ? <button type="button" class="link" onClick={() => putRet(which, { filter: { and: [{ property: pk.properties[0], operator: 'is_set' }] } })}>Filter {what}</button>
    : null
}

/** Formulas: arithmetic over series letters (A/B*100), each drawn as a line. */
function Formulas({ q, put }) {
  const list = q.formulas || []
  const set = (next) => put({ formulas: next.length ? next : undefined })
  const putAt = (i, patch) => set(list.map((f, j) => (j === i ? { ...f, ...patch } : f)))
  return (
    <fieldset><legend>Formulas</legend>
      {list.map((f, i) => (
        <div class="row wrap" role="group" aria-label={`Formula ${i + 1}`}>
          <label>Formula<input value={f.formula} placeholder="A/B*100" onChange={(e) => putAt(i, { formula: e.target.value })} required autocomplete="off" /></label>
          <label>Name<input value={f.name || ''} onChange={(e) => putAt(i, { name: e.target.value || undefined })} autocomplete="off" /></label>
          <button type="button" class="link" onClick={() => set(list.filter((_, j) => j !== i))} aria-label={`Remove formula ${i + 1}`}>Remove</button>
        </div>
      ))}
      {list.length < 10 && <button type="button" class="secondary" onClick={() => set([...list, { formula: (q.series || []).length > 1 ? 'A/B' : 'A' }])}>Add formula</button>}
    </fieldset>
  )
}

/** Exclusions: a user who did an event between two steps drops out. */
function Exclusions({ q, put, pk }) {
  const list = q.funnel?.exclusions || []
  const steps = (q.series || []).length
  const set = (next) => put({ funnel: { ...q.funnel, exclusions: next.length ? next : undefined } })
  const putAt = (i, patch) => set(list.map((x, j) => (j === i ? { ...x, ...patch } : x)))
  const nums = Array.from({ length: steps }, (_, i) => String(i + 1))
  return (
    <fieldset><legend>Exclusions</legend>
      {list.map((x, i) => (
        <div class="row wrap" role="group" aria-label={`Exclusion ${i + 1}`}>
          <Pick label="Excluded event" value={x.event} options={pk.events} onChange={(v) => putAt(i, { event: v })} />
          <Pick label="After step" value={String(x.from_step + 1)} options={nums.slice(0, -1)} onChange={(v) => putAt(i, { from_step: Number(v) - 1 })} />
          <Pick label="Before step" value={String(x.to_step + 1)} options={nums.slice(1)} onChange={(v) => putAt(i, { to_step: Number(v) - 1 })} />
          <button type="button" class="link" onClick={() => set(list.filter((_, j) => j !== i))} aria-label={`Remove exclusion ${i + 1}`}>Remove</button>
        </div>
      ))}
      {steps >= 2 && list.length < 10 && <button type="button" class="secondary" onClick={() => set([...list, { event: pk.events[0] || '', from_step: 0, to_step: steps - 1 }])}>Add exclusion</button>}
    </fieldset>
  )
}

// ---- results: chart data, tables and CSV, one shape per kind ----

const rowName = (r) => (r.breakdown && r.breakdown.length ? `${r.name} · ${r.breakdown.join(', ')}` : r.name)

const unitWord = (q, k) => `${q.addiction?.unit === 'hour' ? 'hour' : 'day'}${k === 1 ? '' : 's'}`

/** plot is what the chart draws for a result (q: the document it answers). */
function plot(res, q) {
  if (res.trends) {
    const t = res.trends
    const series = []
    for (const r of t.series) {
      series.push({ name: rowName(r), values: r.values })
      if (r.previous) series.push({ name: `${rowName(r)} (previous period)`, values: r.previous, previous: true })
    }
    return { labels: t.buckets, series }
  }
  if (res.funnel) {
    const labels = res.funnel.steps.map((s, i) => `${i + 1}. ${s.event}`)
    const bds = res.funnel.breakdowns || []
    if (!bds.length) return { labels, series: [{ name: 'Users', values: res.funnel.steps.map((s) => s.count) }], bars: true }
    // Broken down: the share of each group's users still in at each step,
    // one line per group (and everyone), so groups of any size compare.
    const conv = (steps) => steps.map((s) => Math.round(s.overall_conversion * 10000) / 100)
    return { labels, percent: true, series: [{ name: 'All users', values: conv(res.funnel.steps) }, ...bds.map((b) => ({ name: b.breakdown.join(', '), values: conv(b.steps) }))] }
  }
  if (res.addiction) {
    const n = addictionWidth(res.addiction)
    return { labels: Array.from({ length: n }, (_, k) => `≥ ${k + 1} ${unitWord(q, k + 1)}`), series: res.addiction.periods.map((p) => ({ name: p.date, values: p.counts.slice(0, n) })) }
  }
  if (res.retention) return { labels: retentionCurve(res.retention).map((_, i) => `${i}`), series: [{ name: 'Retained %', values: retentionCurve(res.retention) }], percent: true }
  return null
}

/** addictionWidth is how many "at least k units" columns are worth
 * showing: up to the last k any period reached (at least one). */
function addictionWidth(a) {
  let n = 1
  for (const p of a.periods) for (let k = p.counts.length; k > n; k--) if (p.counts[k - 1] > 0) { n = k; break }
  return n
}

/** conversionOverTime plots, per bucket of entry, the share of the users
 * who entered the funnel then and completed it. */
function conversionOverTime(f) {
  return {
    labels: f.over_time.map((b) => b.bucket), percent: true,
    series: [{ name: 'Completed %', values: f.over_time.map((b) => Math.round(b.conversion * 10000) / 100) }],
  }
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
function table(res, q) {
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
  if (res.addiction) {
    const n = addictionWidth(res.addiction)
    return { head: ['Period', ...Array.from({ length: n }, (_, k) => `At least ${k + 1} ${unitWord(q, k + 1)}`)], rows: res.addiction.periods.map((p) => [p.date, ...p.counts.slice(0, n)]) }
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
  if (res.addiction) return res.addiction.periods.every((p) => !p.counts[0])
  return true
}

/** useTheme changes whenever the page's theme does (the chosen one, or the
 * system's when following it), so that canvases are drawn again. */
function useTheme() {
  const [n, set] = useState(0)
  useEffect(() => {
    const bump = () => set((x) => x + 1)
    const mo = new MutationObserver(bump)
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    const mq = matchMedia('(prefers-color-scheme: dark)')
    mq.addEventListener('change', bump)
    return () => { mo.disconnect(); mq.removeEventListener('change', bump) }
  }, [])
  return n
}

/** Chart loads ../chart.js (and uPlot) on first use and draws into a div. */
function Chart({ spec, label }) {
  const el = useRef(null)
  const [error, setError] = useState(null)
  const theme = useTheme()
  useEffect(() => {
    let undo = () => {}, live = true
    import('../chart.js').then((m) => { if (live && el.current) undo = m.draw(el.current, spec) }).catch((e) => setError(e))
    return () => { live = false; undo() }
  }, [JSON.stringify(spec), theme])
  return <figure class="chart"><div ref={el} class="plot" role="img" aria-label={label} data-chart="1" /><ErrorBox error={error} /></figure>
}

function ResultTable({ t, caption }) {
  const show = (h, v) => (typeof v !== 'number' ? fmt(v) : /conversion/i.test(h) ? pct(v) : Number.isInteger(v) ? fmt(v) : v.toFixed(2))
  return <Table caption={caption} rows={t.rows} cols={t.head.map((h, i) => ({ label: h, num: typeof t.rows[0]?.[i] === 'number', render: (r) => show(h, r[i]) }))} />
}

/** Result runs a query document and shows its chart and table. */
function Result({ project, q, compact = false, title = 'insight' }) {
  const text = JSON.stringify(q)
  // A property or expression not typed yet (a user property is typed): wait for it rather than send a query the server refuses.
  const waiting = /"(property|expr)":""/.test(text)
  const state = useLoad(() => (waiting ? Promise.resolve(null) : api('POST', `/api/projects/${project.id}/query`, q)), [project.id, text])
  if (waiting) return <Empty>Type the property's name above to run the query.</Empty>
  if (state.error) return <ErrorBox error={state.error} />
  if (state.loading || !state.data) return <Loading what="Running the query" />
  const res = state.data.results || {}
  if (isEmpty(res)) return <Empty>No matching events between {q.from} and {q.to}. Widen the date range or pick other events.</Empty>
  const t = table(res, q)
  return (
    <div class="result">
      <Chart spec={plot(res, q)} label={`Chart of the ${q.kind === 'addiction' ? 'frequency' : q.kind} ${title}`} />
      {!compact && res.funnel && (res.funnel.over_time || []).length > 1 && (
        <>
          <h3>Conversion over time</h3>
          <p class="muted">Of the users who entered the funnel in each {q.interval || 'day'}, the share who completed it.</p>
          <Chart spec={conversionOverTime(res.funnel)} label={`Chart of the funnel's conversion by ${q.interval || 'day'}`} />
        </>
      )}
      {!compact && (
        <>
          <div class="row"><span class="muted">{state.data.rows_scanned?.toLocaleString('en-US')} rows read in <span data-volatile>{Math.round(state.data.elapsed_ms)}</span> ms · time zone {state.data.time_zone}</span><span class="grow" />
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
  const q = readQuery(params)
  const pk = usePickers(project, usesUser(q))
  const saved = useLoad(() => api('GET', `/api/projects/${project.id}/insights`), [project.id])
  const set = (next) => navigate(insightURL(next))
  useEffect(() => {
    // Without a document in the URL, start one from the lexicon's events.
    if (!q && pk.state.data && pk.events.length) {
      history.replaceState(null, '', insightURL(fresh('trends', pk.events)))
      dispatchEvent(new PopStateEvent('popstate'))
    }
  }, [!q, pk.state.loading])
  return (
    <Page title="Insights" lead="Trends, funnels, retention and frequency over the stored events. The address bar holds the query: copy it to share this insight.">
      <Load state={pk.state} what="Reading the lexicon">{() => !pk.events.length
        ? <><p class="notice" role="status">{project.name} has no events yet: send some, then build an insight.</p><Snippet token={project.token} /></>
        : !q ? <Loading /> : (
          <>
            <Builder q={q} set={set} pk={pk} />
            <Result project={project} q={q} />
            <SaveBox project={project} q={q} me={me} onSaved={() => saved.reload(true)} />
            <SavedList state={saved} project={project} q={q} me={me} />
          </>
        )}</Load>
    </Page>
  )
}

/** SavedList: saved insights, each to open, rename, replace with the query
 * shown above, or delete (asked twice). */
function SavedList({ state, project, q, me }) {
  const [editing, setEditing] = useState(0)
  const [deleting, setDeleting] = useState(0)
  const [error, setError] = useState(null)
  const [msg, setMsg] = useState(null)
  const canChange = !me || me.role !== 'ingest'
  const act = async (fn, done) => {
    setError(null)
    setMsg(null)
    try {
      await fn()
      setEditing(0)
      setDeleting(0)
      if (done) setMsg(done)
      state.reload(true)
    } catch (err) {
      setError(err)
    }
  }
  const path = (i) => `/api/projects/${project.id}/insights/${i.id}`
  const rename = (i) => (e) => {
    e.preventDefault()
    const name = new FormData(e.target).get('name')
    act(() => api('PUT', path(i), { name, query: i.query }), `Renamed to “${name}”.`)
  }
  const actions = (i) => editing === i.id ? (
    <form class="row" onSubmit={rename(i)} aria-label={`Rename ${i.name}`}>
      <label class="sr" for={`rename-${i.id}`}>New name</label>
      <input id={`rename-${i.id}`} name="name" defaultValue={i.name} required maxLength={200} autocomplete="off" />
      <button type="submit">Rename</button><button type="button" class="link" onClick={() => setEditing(0)}>Cancel</button>
    </form>
  ) : deleting === i.id ? (
    <span class="row center">Delete “{i.name}” everywhere?
      <button type="button" class="danger" onClick={() => act(() => api('DELETE', path(i)), `Deleted “${i.name}”.`)}>Delete</button>
      <button type="button" class="link" onClick={() => setDeleting(0)}>Keep it</button></span>
  ) : (
    <span class="row center">
      <button type="button" class="link" onClick={() => setEditing(i.id)} aria-label={`Rename ${i.name}`}>Rename</button>
      <button type="button" class="link" onClick={() => act(() => api('PUT', path(i), { name: i.name, query: q }), `“${i.name}” now holds the query above.`)}
        aria-label={`Replace ${i.name} with the query above`}>Replace with this query</button>
      <button type="button" class="link" onClick={() => setDeleting(i.id)} aria-label={`Delete ${i.name}`}>Delete</button>
    </span>
  )
  const cols = [
    { label: 'Name', render: (i) => <a href={insightURL(i.query)}>{i.name}</a> }, { label: 'Kind', render: (i) => i.query.kind },
    { label: 'Range', render: (i) => `${i.query.from} – ${i.query.to}` }, { label: 'Updated', render: (i) => i.updated_at && <time datetime={i.updated_at}>{i.updated_at.slice(0, 10)}</time> }]
  return (
    <>
      <h3>Saved insights</h3>
      {msg && <p role="status">{msg}</p>}
      <ErrorBox error={error} />
      <Load state={state}>{(d) => (
        <Table caption="Saved insights" rows={d.insights} empty="No saved insights yet: build one above and save it."
          cols={canChange ? [...cols, { label: 'Actions', render: actions }] : cols} />
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

/** AddInsight puts a saved insight that is not on the dashboard yet on it. */
function AddInsight({ d, byID, add }) {
  const on = new Set(d.insights || [])
  const left = [...byID.values()].filter((i) => !on.has(i.id))
  if (!left.length) return null
  return (
    <form class="card row" aria-label="Add a saved insight" onSubmit={(e) => { e.preventDefault(); add(Number(new FormData(e.target).get('insight'))) }}>
      <label>Saved insight<select name="insight">{left.map((i) => <option value={i.id}>{i.name} ({i.query.kind})</option>)}</select></label>
      <button type="submit">Add to this dashboard</button>
    </form>
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
  const [deleting, setDeleting] = useState(false)
  async function del() {
    setError(null)
    try {
      await api('DELETE', `/api/projects/${project.id}/dashboards/${id}`)
      navigate('/dashboards')
    } catch (err) { setError(err) }
  }
  async function add(iid) {
    setError(null)
    try {
      await api('PUT', `/api/projects/${project.id}/dashboards/${id}`, { ...state.data.d, insights: [...(state.data.d.insights || []), iid] })
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
          <span class="grow" />
          {deleting ? (
            <span class="row center">Delete this dashboard (its insights stay saved)?
              <button type="button" class="danger" onClick={del}>Delete dashboard</button>
              <button type="button" class="link" onClick={() => setDeleting(false)}>Keep it</button></span>
          ) : <button type="button" class="link" onClick={() => setDeleting(true)}>Delete dashboard…</button>}
          <ErrorBox error={error} />
        </div>
        <AddInsight d={d} byID={byID} add={add} />
        {(d.insights || []).length === 0 ? <Empty>This dashboard is empty. Add a saved insight above, or open Insights, build one and save it to “{d.name}”.</Empty> : (
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
