// privacy.jsx: findings over time, alerts and the SDK fleet. None of these
// answers holds a value: findings name the path, class, detector and SDK.
import { useState } from 'preact/hooks'
import { api, qs } from '../api.js'
import { navigate } from '../router.js'
import { Empty, ErrorBox, fmt, fmtTime, Load, Page, pct, StackedBars, Table, useLoad } from '../ui.jsx'

const RANGES = { 1: 'Last 24 hours', 7: 'Last 7 days', 30: 'Last 30 days', 90: 'Last 90 days' }

function RangePicker({ days, path, params }) {
  return (
    <label>Period
      <select value={days} onChange={(e) => { params.set('days', e.target.value); navigate(`${path}?${params}`) }}>
        {Object.entries(RANGES).map(([k, v]) => <option value={k}>{v}</option>)}
      </select>
    </label>
  )
}

function dayList(from, to) {
  const out = []
  for (let d = new Date(from.slice(0, 10) + 'T00:00:00Z'); d.toISOString() < to; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10))
  return out
}

export function Findings({ me, project, projects, path, params }) {
  const days = Number(params.get('days')) || 30
  const from = new Date(Date.now() - days * 864e5).toISOString()
  const summary = useLoad(() => api('GET', `/api/projects/${project.id}/findings/summary${qs({ from })}`), [project.id, days])
  const all = useLoad(() => (me.global && projects.length > 1
    ? Promise.all(projects.map((p) => api('GET', `/api/projects/${p.id}/findings/summary${qs({ from })}`).then((s) => ({ ...s, name: p.name }))))
    : Promise.resolve(null)), [me.global, projects.length, days])
  return (
    <Page title="Findings" lead="What the guard caught and did, by class, path and SDK version. A finding never holds the value it removed."
      actions={<RangePicker days={days} path={path} params={params} />}>
      <Load state={summary} what="Counting findings">{(s) => {
        const classes = [...new Set(s.by_day.map((c) => c.class))].sort()
        const byDay = {}
        for (const c of s.by_day) (byDay[c.day] ||= {})[c.class] = c.count
        const perClass = classes.map((c) => ({ class: c, count: s.by_day.filter((x) => x.class === c).reduce((n, x) => n + x.count, 0) }))
        return (
          <>
            <div class="cards">
              <div class="stat"><b>{s.total.toLocaleString('en-US')}</b><span>findings in {project.name}</span></div>
              {perClass.slice(0, 5).map((c) => <div class="stat"><b>{c.count.toLocaleString('en-US')}</b><span>{c.class}</span></div>)}
            </div>
            {s.total === 0 ? (
              <Empty>No findings in this period: the guard had nothing to remove from {project.name}'s events. No events yet? <a href="/events">Live events</a> shows how to send some.</Empty>
            ) : (
              <>
                <div class="card"><StackedBars days={dayList(s.from, s.to)} series={classes} data={byDay} label="Findings per day by class" /></div>
                <div class="cols">
                  <div>
                    <h3>By path</h3>
                    <Table caption="Findings by path" rows={s.by_path} cols={[
                      { label: 'Path', render: (r) => <code>{r.path}</code> }, { label: 'Event', key: 'event' }, { label: 'Class', key: 'class' }, { label: 'Findings', key: 'count', num: true }]} />
                  </div>
                  <div>
                    <h3>By SDK version</h3>
                    <Table caption="Findings by SDK version" rows={s.by_sdk} cols={[
                      { label: 'SDK', render: (r) => r.lib || 'unknown' }, { label: 'Version', key: 'lib_version' }, { label: 'Class', key: 'class' }, { label: 'Findings', key: 'count', num: true }]} />
                  </div>
                </div>
              </>
            )}
          </>
        )
      }}</Load>
      {all.data && (
        <>
          <h3>By project</h3>
          <Table caption="Findings by project" rows={all.data} cols={[
            { label: 'Project', render: (r) => `${r.name} (#${r.project_id})` }, { label: 'Findings', key: 'total', num: true },
            { label: 'Classes', render: (r) => [...new Set(r.by_day.map((c) => c.class))].sort().join(', ') || '—' }]} />
        </>
      )}
      {summary.data && (
        <>
          <h3>Latest findings</h3>
          <Table caption="Latest findings" empty="None in this period." rows={summary.data.latest} cols={[
            { label: 'Time', render: (f) => fmtTime(f.time) }, { label: 'Event', key: 'event' }, { label: 'Path', render: (f) => <code>{f.path}</code> },
            { label: 'Class', key: 'class' }, { label: 'Detector', key: 'detector' }, { label: 'Action', key: 'action' },
            { label: 'SDK', render: (f) => `${f.lib || '?'} ${f.lib_version || ''}` }]} />
        </>
      )}
    </Page>
  )
}

export function Alerts({ project }) {
  const state = useLoad(() => api('GET', `/api/alerts${qs({ project_id: project.id, limit: 500 })}`), [project.id])
  return (
    <Page title="Alerts" lead="Ingestion anomalies: a sensitive class appearing on a path, a property changing type, volume out of its baseline. Set a webhook under Settings to be told.">
      <Load state={state}>{(a) => (
        <Table caption="Alerts" rows={a.alerts} empty={`No alerts for ${project.name}.`} cols={[
          { label: 'Time', render: (x) => fmtTime(x.time) }, { label: 'Signal', key: 'signal' },
          { label: 'Path', render: (x) => x.path ? <code>{x.path}</code> : '—' }, { label: 'Class', render: (x) => fmt(x.class || x.classes) },
          { label: 'Message', key: 'message' }, { label: 'Webhook', render: (x) => x.webhook || '—' }]} />
      )}</Load>
    </Page>
  )
}

function AdvisoryReport({ id }) {
  const state = useLoad(() => api('GET', `/api/advisories/${id}/report`), [id])
  return (
    <Load state={state} what="Reading the fleet">{(r) => (
      <div>
        <p>{r.updated_projects} of {r.affected_projects} affected projects updated: <b>{pct(r.updated_share || 0)}</b> on a fixed version.{' '}
          <progress max="1" value={r.updated_share || 0} aria-label="Share of affected projects on a fixed version" /></p>
        <p>Last 7 days: <b>{pct(r.fixed_traffic_share || 0)}</b> of these projects’ {r.advisory.lib} events came from a fixed version.{' '}
          <progress max="1" value={r.fixed_traffic_share || 0} aria-label="Share of traffic on a fixed version" /></p>
        <Table caption="Traffic by day" rows={(r.traffic || []).filter((d) => d.affected || d.fixed).reverse()}
          empty="No events from this SDK in the last 14 days." cols={[
            { label: 'Day (UTC)', key: 'day' }, { label: 'Affected versions', key: 'affected', num: true }, { label: 'Fixed versions', key: 'fixed', num: true },
            { label: 'On a fixed version', render: (d) => pct(d.fixed / (d.fixed + d.affected)), num: true }]} />
        <Table caption="Projects affected" rows={r.projects} empty="No project has sent events from an affected version." cols={[
          { label: 'Project', render: (p) => `${p.project_name} (#${p.project_id})` }, { label: 'Affected versions', key: 'affected_versions' },
          { label: 'Affected events', key: 'affected_events', num: true }, { label: 'Last affected event', render: (p) => fmtTime(p.last_affected_event) },
          { label: 'Updated', render: (p) => p.updated ? <span class="badge ok">yes</span> : <span class="badge bad">no</span> }]} />
      </div>
    )}</Load>
  )
}

export function Fleet({ me, project }) {
  const lex = useLoad(() => api('GET', `/api/projects/${project.id}/lexicon`), [project.id])
  const adv = useLoad(() => api('GET', '/api/advisories'), [])
  const [open, setOpen] = useState(null)
  const [error, setError] = useState(null)
  async function create(e) {
    e.preventDefault()
    const f = new FormData(e.target)
    setError(null)
    try {
      const props = String(f.get('properties') || '').split(',').map((s) => s.trim()).filter(Boolean)
      await api('POST', '/api/advisories', { lib: f.get('lib'), versions: f.get('versions'), description: f.get('description'), action: f.get('action'), ...(props.length ? { properties: props } : {}) })
      e.target.reset()
      adv.reload()
    } catch (err) { setError(err) }
  }
  return (
    <Page title="SDK fleet" lead="Which SDKs and versions send to this project, and the advisories that act on leaking versions.">
      <h3>SDK versions in {project.name}</h3>
      <Load state={lex}>{(l) => (
        <Table caption="SDK versions" rows={l.sdk_versions} empty="No events yet, so no SDKs." cols={[
          { label: 'SDK', key: 'lib' }, { label: 'Version', key: 'version' }, { label: 'Events', key: 'events', num: true },
          { label: 'First seen', render: (v) => fmtTime(v.first_seen) }, { label: 'Last seen', render: (v) => fmtTime(v.last_seen) }]} />
      )}</Load>
      <h3>Advisories</h3>
      <Load state={adv}>{(a) => (
        <Table caption="Advisories" rows={a.advisories} empty="No advisories." cols={[
          { label: '#', key: 'id' }, { label: 'SDK', key: 'lib' }, { label: 'Versions', render: (x) => <code>{x.versions}</code> },
          { label: 'Action', key: 'action' }, { label: 'Description', key: 'description' },
          ...(me.global ? [{ label: 'Fleet', render: (x) => <button class="link" onClick={() => setOpen(open === x.id ? null : x.id)} aria-expanded={open === x.id}>{open === x.id ? 'Hide report' : 'Report'}</button> }] : [])]} />
      )}</Load>
      {open && <div class="card"><h3>Advisory #{open}</h3><AdvisoryReport id={open} /></div>}
      {me.global && (
        <form class="card stack" onSubmit={create}>
          <h3>New advisory</h3>
          <ErrorBox error={error} />
          <div class="row">
            <label>SDK (lib)<input name="lib" required placeholder="web" /></label>
            <label>Versions<input name="versions" required placeholder="<2.3.0" /></label>
            <label>Action<select name="action">
              <option value="strip_autotrack_values">strip autotrack values</option>
              <option value="drop_properties">drop properties</option>
              <option value="reject">reject</option></select></label>
            <label>Properties (drop_properties)<input name="properties" placeholder="password, user.pin" /></label>
          </div>
          <label>Description<input name="description" required /></label>
          <div><button type="submit">Publish advisory</button></div>
        </form>
      )}
    </Page>
  )
}
