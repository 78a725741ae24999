// purges.jsx: the incident scope report builder (with rescans and their
// progress) that turns into a purge, and purges with progress and their
// certificates.
import { useState } from 'preact/hooks'
import { api, qs } from '../api.js'
import { navigate } from '../router.js'
import { download, ErrorBox, fmt, fmtTime, Load, Loading, Page, splitList, Table, useInterval, useLoad } from '../ui.jsx'

const CLASSES = ['password', 'payment_card', 'national_id', 'bank_account', 'secret_token', 'private_key', 'credentials_in_url', 'form_value', 'email', 'phone']

export function Scope({ projects }) {
  const [job, setJob] = useState(null) // a rescan job, polled
  const [report, setReport] = useState(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)
  const [purged, setPurged] = useState(null)

  useInterval(async () => {
    try {
      const j = await api('GET', `/api/scope/${job.id}`)
      setJob(j)
      if (j.status === 'done') setReport(j.report)
      if (j.status === 'failed') setError(new Error(`The rescan failed: ${j.error}`))
    } catch (err) { setError(err) }
  }, 700, job && job.status === 'running')

  async function run(e) {
    e.preventDefault()
    const f = new FormData(e.target)
    const crit = {
      classes: f.getAll('classes'), detectors: splitList(String(f.get('detectors'))), properties: splitList(String(f.get('properties'))), events: splitList(String(f.get('events'))),
      project_ids: f.getAll('project_ids').map(Number), rescan: f.get('rescan') === 'on',
    }
    if (f.get('from')) crit.from = new Date(f.get('from') + 'T00:00:00Z').toISOString()
    if (f.get('to')) crit.to = new Date(f.get('to') + 'T00:00:00Z').toISOString()
    for (const k of Object.keys(crit)) if (Array.isArray(crit[k]) && crit[k].length === 0) delete crit[k]
    setBusy(true); setError(null); setReport(null); setJob(null); setPurged(null)
    try {
      const r = await api('POST', '/api/scope', crit)
      if (r.status === 'running' || r.status === 'done' || r.status === 'failed') {
        setJob(r)
        if (r.report) setReport(r.report)
      } else setReport(r)
    } catch (err) { setError(err) } finally { setBusy(false) }
  }

  async function purge() {
    if (!confirm('Purge every listed property of every listed user? This rewrites the stored data and cannot be undone.')) return
    setError(null)
    try {
      setPurged(await api('POST', '/api/purges', { scope: report }))
    } catch (err) { setError(err) }
  }

  const affected = report ? report.projects.reduce((n, p) => n + p.events, 0) : 0
  return (
    <Page title="Incident scope" lead="Which events, users, properties and SDK versions a leak touched, from the findings recorded at ingestion, or by rescanning stored data with the current guard. The report holds no value; it turns into a purge.">
      <form class="card stack" onSubmit={run} aria-label="Scope criteria">
        <div class="row">
          <label>From (UTC day)<input type="date" name="from" /></label>
          <label>To (UTC day, exclusive)<input type="date" name="to" /></label>
          <label>Properties (names or globs)<input name="properties" placeholder="password, *.token" /></label>
          <label>Events<input name="events" placeholder="Signed up" /></label>
          <label>Detectors (as findings name them)<input name="detectors" placeholder="key.password, value.card" /></label>
        </div>
        <fieldset class="row"><legend>Classes</legend>
          {CLASSES.map((c) => <label class="check"><input type="checkbox" name="classes" value={c} />{c}</label>)}
        </fieldset>
        <fieldset class="row"><legend>Projects (none: all)</legend>
          {projects.map((p) => <label class="check"><input type="checkbox" name="project_ids" value={p.id} />{p.name}</label>)}
        </fieldset>
        <label class="check"><input type="checkbox" name="rescan" />Rescan stored events with the current guard (slower; finds what the guard of the time missed)</label>
        <div><button type="submit" disabled={busy || (job && job.status === 'running')}>Build the report</button></div>
      </form>
      <ErrorBox error={error} />
      {busy && <Loading what="Building the report" />}
      {job && job.status === 'running' && (
        <div class="card" role="status">
          <p>Rescanning: {fmt(job.scanned_events)} of {fmt(job.total_events)} events ({job.percent.toFixed(1)}%), {fmt(Math.round(job.events_per_sec))} events/s</p>
          <progress max="100" value={job.percent} aria-label="Rescan progress" />
        </div>
      )}
      {report && (
        <div class="card" aria-label="Scope report">
          <h3>Report ({report.source}): {fmt(affected)} affected events in {report.projects.length} project(s)</h3>
          {report.projects.length === 0 ? <p class="muted">Nothing matched these criteria.</p> : report.projects.map((p) => (
            <div>
              <h3>{p.project_name} (#{p.project_id}): {fmt(p.events)} events, {fmt(p.distinct_ids)} users, {fmtTime(p.first_seen)} to {fmtTime(p.last_seen)}</h3>
              <Table caption="Affected paths" rows={p.details} cols={[{ label: 'Path', render: (d) => <code>{d.path}</code> }, { label: 'Class', key: 'class' },
                { label: 'Detector', key: 'detector' }, { label: 'Action', key: 'action' }, { label: 'Events', key: 'events', num: true }]} />
              <p class="muted">SDK versions: {p.sdk_versions.map((s) => `${s.lib || '?'} ${s.version || ''} (${s.events})`).join(', ') || '—'}</p>
            </div>
          ))}
          <div class="row">
            <button class="secondary" type="button" onClick={() => download(`scope-report-${report.generated_at}.json`, JSON.stringify(report, null, 2))}>Download the report</button>
            {affected > 0 && <button class="danger" type="button" onClick={purge}>Purge what this report lists</button>}
          </div>
        </div>
      )}
      {purged && (
        <div class="notice" role="status">
          {purged.jobs.length === 0 ? purged.message || 'Nothing to purge.' : (
            <>Purge started: {purged.jobs.map((j) => <a href={`/purges/${j.id}`}>{j.id} </a>)} — follow its progress under Purges.</>
          )}
        </div>
      )}
    </Page>
  )
}

export function PurgesRoute(props) {
  return props.path === '/purges' ? <Purges {...props} /> : <Purge {...props} id={props.path.slice('/purges/'.length)} />
}

function Purges({ project }) {
  const state = useLoad(() => api('GET', `/api/purges${qs({ project_id: project.id })}`), [project.id])
  const [error, setError] = useState(null)
  useInterval(() => state.reload(true), 1500, !!state.data?.some((j) => j.status !== 'done' && j.status !== 'failed'))
  async function create(e) {
    e.preventDefault()
    const f = new FormData(e.target)
    const body = { project_id: project.id, properties: splitList(String(f.get('properties'))), distinct_ids: splitList(String(f.get('distinct_ids'))), events: splitList(String(f.get('events'))) }
    if (f.get('from')) body.from = f.get('from')
    if (f.get('to')) body.to = f.get('to')
    setError(null)
    try {
      const j = await api('POST', '/api/purges', body)
      navigate(`/purges/${j.id}`)
    } catch (err) { setError(err) }
  }
  return (
    <Page title="Purges" lead="Purges rewrite the partitions that hold the purged values, verify that none is left, and end with a certificate.">
      <Load state={state}>{(s) => (
        <Table caption="Purge jobs" rows={s} empty="No purges in this project." cols={[
          { label: 'Job', render: (j) => <a href={`/purges/${j.id}`}>{j.id}</a> }, { label: 'Status', render: (j) => <Status s={j.status} /> },
          { label: 'Progress', render: (j) => <progress max="1" value={j.progress} aria-label={`Progress of ${j.id}`} /> },
          { label: 'Rows changed', key: 'rows_changed', num: true }, { label: 'Requested by', key: 'requested_by' },
          { label: 'Requested', render: (j) => fmtTime(j.requested) }, { label: 'Source', render: (j) => j.criteria.source || 'api' }]} />
      )}</Load>
      <form class="card stack" onSubmit={create}>
        <h3>New purge in {project.name}</h3>
        <ErrorBox error={error} />
        <div class="row">
          <label>Properties<input name="properties" placeholder="password, user.pin" /></label>
          <label>distinct_ids (whole users)<input name="distinct_ids" autocomplete="off" /></label>
          <label>Events<input name="events" /></label>
          <label>From<input type="date" name="from" /></label>
          <label>To<input type="date" name="to" /></label>
        </div>
        <div><button class="danger" type="submit">Start the purge</button></div>
      </form>
    </Page>
  )
}

const Status = ({ s }) => <span class={`badge ${s === 'done' ? 'ok' : s === 'failed' ? 'bad' : 'warn'}`}>{s}</span>

function Purge({ id }) {
  const state = useLoad(() => api('GET', `/api/purges/${encodeURIComponent(id)}`), [id])
  const j = state.data
  useInterval(() => state.reload(true), 1000, !!j && j.status !== 'done' && j.status !== 'failed')
  return (
    <Page title={`Purge ${id}`} lead={<a href="/purges">All purges</a>}>
      <Load state={state}>{(j) => (
        <>
          <div class="cards">
            <div class="stat"><b><Status s={j.status} /></b><span>status</span></div>
            <div class="stat"><b>{fmt(j.rows_scanned)}</b><span>rows scanned</span></div>
            <div class="stat"><b>{fmt(j.rows_changed)}</b><span>rows changed</span></div>
            <div class="stat"><b>{(j.progress * 100).toFixed(0)}%</b><span>progress</span></div>
          </div>
          {j.status !== 'done' && j.status !== 'failed' && <progress max="1" value={j.progress} aria-label="Purge progress" />}
          {j.error && <p class="error" role="alert">{j.error}</p>}
          <h3>Criteria</h3>
          <pre>{JSON.stringify(j.criteria, null, 2)}</pre>
          {j.certificate && (
            <div class="card" aria-label="Certificate">
              <div class="row">
                <h3>Certificate — verification {j.certificate.verification.result === 'passed' ? <span class="badge ok">passed</span> : <span class="badge bad">{j.certificate.verification.result}</span>}</h3>
                <span class="grow" />
                <button type="button" onClick={() => download(`purge-certificate-${j.id}.json`, JSON.stringify(j.certificate, null, 2))}>Download the certificate</button>
              </div>
              <p>{fmt(j.certificate.partitions_scanned)} partitions scanned, {fmt(j.certificate.partitions?.length || 0)} rewritten; {fmt(j.certificate.verification.event_matches_left)} matches left. {j.certificate.note}</p>
              <pre>{JSON.stringify(j.certificate, null, 2)}</pre>
            </div>
          )}
        </>
      )}</Load>
    </Page>
  )
}
