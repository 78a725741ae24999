// settings.jsx: project settings, service accounts and sessions, webhook.
// Secrets the server shows once (a new account's secret, a webhook's signing
// secret, a new project's API secret) are shown once here too, and kept
// nowhere.
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, fmtTime, Load, Page, splitList, Table, useLoad } from '../ui.jsx'

function useAction(fn) {
  const [state, set] = useState({ error: null, result: null, busy: false })
  async function run(...args) {
    set({ error: null, result: null, busy: true })
    try {
      set({ error: null, result: await fn(...args), busy: false })
    } catch (error) { set({ error, result: null, busy: false }) }
  }
  return [state, run]
}

const Once = ({ label, value }) => (
  <div class="notice" role="status"><b>{label}</b> (shown once; copy it now, only its hash is kept):<pre>{value}</pre></div>
)

export function ProjectSettings({ me, project, reloadProjects }) {
  const [save, runSave] = useAction(async (e) => {
    e.preventDefault()
    const f = new FormData(e.target)
    const tz = String(f.get('time_zone')).trim()
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz }) // eslint-disable-line no-new
    } catch {
      throw new Error(`“${tz}” is not an IANA time zone name (e.g. Europe/Paris or UTC).`)
    }
    const p = await api('PATCH', `/api/projects/${project.id}`, {
      name: f.get('name'), autotrack: f.get('autotrack') === 'on', store_ip: f.get('store_ip') === 'on', url_params: splitList(String(f.get('url_params'))),
      time_zone: tz,
    })
    await reloadProjects()
    return p
  })
  const [created, runCreate] = useAction(async (e) => {
    e.preventDefault()
    const p = await api('POST', '/api/projects', { name: new FormData(e.target).get('name') })
    e.target.reset()
    await reloadProjects()
    return p
  })
  const s = project.settings || {}
  return (
    <Page title="Project" lead={`Settings of ${project.name} (#${project.id}).`}>
      <form class="card stack" onSubmit={runSave} key={project.id}>
        <ErrorBox error={save.error} />
        {save.result && <p class="notice" role="status">Saved.</p>}
        <label>Name<input name="name" defaultValue={project.name} required /></label>
        <label class="check"><input type="checkbox" name="autotrack" defaultChecked={s.autotrack} />sieve.js autotrack (page views, clicks, submits; never what users type)</label>
        <label>URL parameters sieve.js keeps in captured URLs (comma-separated; a trailing * matches a prefix)
          <input name="url_params" defaultValue={(s.url_params || ['utm_*']).join(', ')} /></label>
        <label class="check"><input type="checkbox" name="store_ip" defaultChecked={s.store_ip} />Store raw IP addresses sent with events and profile updates</label>
        <label>Time zone (IANA name: the days, weeks and months of every query and chart)
          <input name="time_zone" defaultValue={s.time_zone || 'UTC'} list="time-zones" required autocomplete="off" /></label>
        <datalist id="time-zones">{zones().map((z) => <option value={z} />)}</datalist>
        <div><button type="submit" disabled={save.busy}>Save</button></div>
      </form>
      <div class="card">
        <h3>Project token</h3>
        <p class="muted">Public: it goes into every event your apps send.</p>
        <pre>{project.token}</pre>
      </div>
      <RotateSecret project={project} />
      {me.global && (
        <form class="card stack" onSubmit={runCreate}>
          <h3>New project</h3>
          <ErrorBox error={created.error} />
          {created.result && <Once label={`API secret of ${created.result.name} (token ${created.result.token})`} value={created.result.api_secret} />}
          <div class="row"><label>Name<input name="name" required /></label><button type="submit">Create</button></div>
        </form>
      )}
    </Page>
  )
}

/** zones are the time zone names the browser knows, for the picker's
 * suggestions (the server checks the name). */
function zones() {
  try {
    return Intl.supportedValuesOf('timeZone')
  } catch {
    return ['UTC']
  }
}

const graces = [['86400', 'one day'], ['3600', 'one hour'], ['604800', 'seven days'], ['0', 'none: it stops working now']]

/** RotateSecret issues a new API secret; the old one keeps working for the
 * grace period chosen, so that clients can be moved over. */
function RotateSecret({ project }) {
  const [rotated, runRotate] = useAction(async (e) => {
    e.preventDefault()
    return api('POST', `/api/projects/${project.id}/secret`, { grace_seconds: Number(new FormData(e.target).get('grace')) })
  })
  return (
    <form class="card stack" onSubmit={runRotate} aria-label="Rotate the API secret" key={project.id}>
      <h3>API secret</h3>
      <p class="muted">Used as Basic auth by Mixpanel-style server clients (admin of this project). Rotating issues a new one; the current one keeps working for the grace period.</p>
      <ErrorBox error={rotated.error} />
      {rotated.result && <>
        <Once label={`New API secret of ${project.name}`} value={rotated.result.api_secret} />
        <p role="status">The previous secret works until {fmtTime(rotated.result.previous_valid_until)}.</p>
      </>}
      <div class="row">
        <label>Previous secret keeps working for<select name="grace">{graces.map(([v, t]) => <option value={v}>{t}</option>)}</select></label>
        <button type="submit" disabled={rotated.busy}>Rotate the API secret</button>
      </div>
    </form>
  )
}

export function Access({ me, project }) {
  const accounts = useLoad(() => api('GET', `/api/projects/${project.id}/service-accounts`), [project.id])
  const sessions = useLoad(() => api('GET', '/api/sessions'), [])
  const [created, runCreate] = useAction(async (e) => {
    e.preventDefault()
    const f = new FormData(e.target)
    const sa = await api('POST', `/api/projects/${project.id}/service-accounts`, { name: f.get('name'), role: f.get('role') })
    e.target.reset()
    accounts.reload(true)
    return sa
  })
  const [revoked, runRevoke] = useAction(async (id) => {
    await api('DELETE', `/api/sessions/${id}`)
    sessions.reload(true)
  })
  return (
    <Page title="Access" lead="Service accounts and their roles: ingest can only send, analyst can read, admin can do everything in the project. And who is signed in to this UI.">
      <h3>Service accounts of {project.name}</h3>
      <AccountList state={accounts} project={project} sessions={sessions} />
      <form class="card stack" onSubmit={runCreate}>
        <h3>New service account</h3>
        <ErrorBox error={created.error} />
        {created.result && <Once label={`Secret of ${created.result.username}`} value={created.result.secret} />}
        <div class="row">
          <label>Name<input name="name" required /></label>
          <label>Role<select name="role"><option value="analyst">analyst (read)</option><option value="admin">admin</option><option value="ingest">ingest (send only)</option></select></label>
          <button type="submit">Create</button>
        </div>
      </form>
      <h3>Signed-in sessions</h3>
      <ErrorBox error={revoked.error} />
      <Load state={sessions}>{(s) => (
        <Table caption="Sessions" rows={s.sessions} empty="No sessions." cols={[
          { label: 'Session', key: 'id' }, { label: 'Actor', key: 'actor' }, { label: 'Role', key: 'role' },
          { label: 'Signed in', render: (x) => fmtTime(x.created) }, { label: 'Last seen', render: (x) => fmtTime(x.last_seen) },
          { label: 'Expires', render: (x) => fmtTime(x.expires) },
          { label: '', render: (x) => (x.id === me.id ? <span class="muted">this session</span> : <button class="secondary" type="button" onClick={() => runRevoke(x.id)}>Revoke</button>) }]} />
      )}</Load>
    </Page>
  )
}

/** AccountList: a project's service accounts, each to disable (its
 * credentials get 401 and its sessions end), enable again, or delete
 * (asked twice), and to grant or revoke pii (403 for a caller without it). */
function AccountList({ state, project, sessions }) {
  const [deleting, setDeleting] = useState('')
  const [error, setError] = useState(null)
  const [msg, setMsg] = useState(null)
  const path = (a) => `/api/projects/${project.id}/service-accounts/${encodeURIComponent(a.username)}`
  const act = async (fn, done) => {
    setError(null)
    setMsg(null)
    try {
      await fn()
      setDeleting('')
      setMsg(done)
      state.reload(true)
      sessions.reload(true) // a disabled or deleted account's sessions are ended
    } catch (err) { setError(err) }
  }
  const actions = (a) => deleting === a.username ? (
    <span class="row center">Delete {a.username} for good?
      <button type="button" class="danger" onClick={() => act(() => api('DELETE', path(a)), `Deleted ${a.username}: its credentials no longer work.`)}>Delete</button>
      <button type="button" class="link" onClick={() => setDeleting('')}>Keep it</button></span>
  ) : (
    <span class="row center">
      {a.disabled
        ? <button type="button" class="link" aria-label={`Enable ${a.username}`} onClick={() => act(() => api('PATCH', path(a), { disabled: false }), `Enabled ${a.username}: its secret works again.`)}>Enable</button>
        : <button type="button" class="link" aria-label={`Disable ${a.username}`} onClick={() => act(() => api('PATCH', path(a), { disabled: true }), `Disabled ${a.username}: its credentials are refused and its sessions ended.`)}>Disable</button>}
      <button type="button" class="link" aria-label={`Delete ${a.username}`} onClick={() => setDeleting(a.username)}>Delete</button>
    </span>
  )
  return (
    <>
      {msg && <p role="status">{msg}</p>}
      <ErrorBox error={error} />
      <Load state={state}>{(list) => (
        <Table caption="Service accounts" rows={list} empty="No service accounts: create one below for a script or a colleague." cols={[
          { label: 'Username', key: 'username' }, { label: 'Name', key: 'name' }, { label: 'Role', key: 'role' },
          { label: 'Status', render: (a) => (a.disabled ? <span class="bad">disabled</span> : 'active') },
          { label: 'PII', render: (a) => (
            <span class="row center">{a.pii ? 'granted' : 'hashed'}
              <button type="button" class="link" aria-label={`${a.pii ? 'Revoke' : 'Grant'} pii for ${a.username}`}
                onClick={() => act(() => api('PUT', `${path(a)}/pii`, { pii: !a.pii }), a.pii ? `Revoked pii for ${a.username}: it sees keyed hashes at PII paths.` : `Granted pii to ${a.username}: it sees the values at PII paths.`)}>
                {a.pii ? 'Revoke' : 'Grant'}</button></span>) },
          { label: 'Created', render: (a) => fmtTime(a.created) }, { label: 'Actions', render: actions }]} />
      )}</Load>
    </>
  )
}

export function Webhook({ project }) {
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/webhook`).then((w) => (w.url ? w : null)), [project.id])
  const [put, runPut] = useAction(async (e) => {
    e.preventDefault()
    const r = await api('PUT', `/api/projects/${project.id}/webhook`, { url: new FormData(e.target).get('url') })
    state.reload(true)
    return r
  })
  const [del, runDel] = useAction(async () => {
    await api('DELETE', `/api/projects/${project.id}/webhook`)
    state.reload(true)
  })
  return (
    <Page title="Webhook" lead="Where alerts are sent, signed with HMAC-SHA256 (X-Sieve-Signature).">
      <ErrorBox error={put.error || del.error} />
      {put.result && <Once label="Signing secret" value={put.result.secret} />}
      <Load state={state}>{(w) => (
        <form class="card stack" onSubmit={runPut} key={w?.url || ''}>
          <p>{w ? <>Alerts of {project.name} go to <code>{w.url}</code>.</> : `${project.name} has no webhook: alerts are only listed under Alerts.`}</p>
          <div class="row">
            <label>URL<input name="url" type="text" inputMode="url" defaultValue={w?.url || ''} required placeholder="https://hooks.example.com/sieve" /></label>
            <button type="submit">{w ? 'Replace (new secret)' : 'Set the webhook'}</button>
            {w && <button class="secondary" type="button" onClick={runDel}>Remove</button>}
          </div>
        </form>
      )}</Load>
    </Page>
  )
}
