// trust.jsx: the pages for what proves and limits what Sieve keeps: the
// self-test's runs, the signing keys and the signed audit head, the PII
// settings, the forwarding destinations and the tracking plan. Loaded
// only when one of them is opened (a chunk of its own). Secrets the server
// holds are shown masked, as the API answers them; a token typed into the
// destination form is sent once and kept nowhere here.
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { Empty, ErrorBox, fmt, fmtTime, Load, Page, Table, useLoad } from '../ui.jsx'

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

const Badge = ({ ok, yes = 'passed', no = 'failed' }) => <span class={`badge ${ok ? 'ok' : 'bad'}`}>{ok ? yes : no}</span>

/** SelfTest (admin key): the self-test's runs, running it now, the signing keys and the audit head. */
export function SelfTest() {
  const runs = useLoad(() => api('GET', '/api/selftest'), [])
  const keys = useLoad(() => api('GET', '/api/keys/certificates'), [])
  const head = useLoad(() => api('GET', '/api/audit/head'), [])
  const [run, doRun] = useAction(async () => { const r = await api('POST', '/api/selftest'); runs.reload(true); return r })
  const [rot, doRotate] = useAction(async () => {
    if (!confirm('Make a new signing key? Certificates and audit heads are signed with it from now on; the old public key stays published, retired.')) return null
    const r = await api('POST', '/api/keys/rotate'); keys.reload(true); head.reload(true); return r
  })
  return (
    <Page title="Self-test and keys" lead="The self-test plants canary secrets through the real ingestion path and checks that none reaches the data files or the log, then purges them. Certificates and the audit head are signed with the keys below."
      actions={<button onClick={() => doRun()} disabled={run.busy}>{run.busy ? 'Running…' : 'Run the self-test now'}</button>}>
      <ErrorBox error={run.error} />
      {run.result && <p class="notice" role="status">Self-test run finished: <Badge ok={run.result.passed} />.</p>}
      <h3>Runs</h3>
      <Load state={runs} what="Reading the self-test's runs">{(r) => (
        <>
          <p class="muted">{r.interval_seconds ? `Runs by itself every ${fmt(r.interval_seconds)} seconds.` : 'Runs only when asked (no interval set).'}</p>
          <Table caption="Self-test runs" rows={r.runs} empty="The self-test has not run yet." cols={[
            { label: 'Started', render: (x) => fmtTime(x.started) }, { label: 'Result', render: (x) => <Badge ok={x.passed} /> },
            { label: 'Canaries', render: (x) => (x.canaries || []).map((c) => `${c.kind}: ${c.passed ? 'ok' : 'FAILED'}`).join(', ') || '—' },
            { label: 'Files searched', key: 'files_searched', num: true }, { label: 'Control found', render: (x) => x.control_found ? 'yes' : 'no' },
            { label: 'Problems', render: (x) => fmt([...(x.problems || []), ...(x.canaries || []).flatMap((c) => c.problems || []), ...(x.error ? [x.error] : [])]) }]} />
        </>
      )}</Load>
      <h3>Signing keys</h3>
      <Load state={keys} what="Reading the public keys">{(k) => (
        <Table caption="Signing keys" rows={k.keys} empty="No signing key yet." cols={[
          { label: 'Key id', render: (x) => <code>{x.key_id}</code> }, { label: 'Algorithm', key: 'alg' },
          { label: 'Public key', render: (x) => <code class="wrap">{x.public_key}</code> },
          { label: 'Created', render: (x) => fmtTime(x.created) }, { label: 'State', render: (x) => x.retired ? 'retired' : <b>current</b> }]} />
      )}</Load>
      <ErrorBox error={rot.error} />
      {rot.result && <p class="notice" role="status">A new signing key is current.</p>}
      <p><button class="secondary" onClick={() => doRotate()} disabled={rot.busy}>Rotate the signing key</button></p>
      <h3>Audit chain head</h3>
      <Load state={head} what="Reading the audit head">{(h) => (
        <dl class="facts">
          <dt>Entries</dt><dd>{fmt(h.seq)}</dd>
          <dt>Head hash</dt><dd><code class="wrap">{h.hash}</code></dd>
          <dt>Signed</dt><dd>{fmtTime(h.time)} with key <code>{h.signature?.key_id}</code> ({h.signature?.alg})</dd>
        </dl>
      )}</Load>
    </Page>
  )
}

/** lacksPII is what a 403 from a PII change means, said in full. */
const lacksPII = 'Changing who reads personal data needs the pii grant on this project: the server answers 403 to a caller without it, because no one may widen or narrow what they cannot read themselves. Ask whoever holds the admin key, or an admin granted pii, to grant it to you.'

/** explain adds lacksPII to a 403's sentence. */
function explain(err) {
  if (err?.status !== 403) return err
  return { message: `${err.message} ${lacksPII}` }
}

/** piiRows lists every PII path with where it comes from: found by the
 * guard (e-mail or phone values), marked by the project, or a default. */
function piiRows(p) {
  const marked = new Set(p.paths || []), classified = new Set(p.classified || []), defaults = new Set(p.defaults || [])
  return (p.effective || []).map((path) => ({ path, marked: marked.has(path), classified: classified.has(path), default: defaults.has(path) }))
}

/** PII (project admin): every PII path and where it comes from, marking
 * and unmarking paths, who reads them in clear (the admin key, the API
 * secret, service accounts granted pii) and granting or revoking it. Every
 * change needs the caller to hold pii (the API answers 403 otherwise). */
export function PII({ project }) {
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/pii`), [project.id])
  const accounts = useLoad(() => api('GET', `/api/projects/${project.id}/service-accounts`), [project.id])
  const lexicon = useLoad(() => api('GET', `/api/projects/${project.id}/lexicon`).catch(() => null), [project.id])
  const [act, doAct] = useAction(async (fn, done) => {
    try {
      await fn()
    } catch (err) { throw explain(err) }
    state.reload(true)
    accounts.reload(true)
    return done
  })
  const [draft, setDraft] = useState('')
  const put = (p, body) => api('PUT', `/api/projects/${project.id}/pii`, { paths: p.paths || [], ...body })
  const mark = (e, p) => {
    e.preventDefault()
    const path = draft.trim()
    if (!path) return doAct(() => Promise.reject(new Error('Type the property path to mark, as the lexicon names it (e.g. billing.phone).')))
    if (new TextEncoder().encode(path).length > 200) return doAct(() => Promise.reject(new Error('A path is at most 200 bytes.')))
    if ((p.paths || []).includes(path)) return doAct(() => Promise.reject(new Error(`${path} is already marked personal.`)))
    return doAct(() => put(p, { paths: [...(p.paths || []), path] }).then(() => setDraft('')), `Marked ${path} personal: readers without pii see keyed hashes there from their next read.`)
  }
  const unmark = (p, path) => doAct(() => put(p, { paths: (p.paths || []).filter((x) => x !== path) }),
    `Unmarked ${path}${(p.classified || []).includes(path) ? ': it stays PII, since the guard found e-mail addresses or phone numbers there.' : ': readers without pii see its values from their next read.'}`)
  const grant = (a) => doAct(() => api('PUT', `/api/projects/${project.id}/service-accounts/${encodeURIComponent(a.username)}/pii`, { pii: !a.pii }),
    a.pii ? `Revoked pii for ${a.username}: it sees keyed hashes at PII paths from now on, its open sessions too.` : `Granted pii to ${a.username}: it sees the values at PII paths.`)
  return (
    <Page title="Personal data" lead="Values at PII paths (e-mail addresses and phone numbers the guard found, paths this project marks personal, $email and $phone) are read in clear only by those holding the pii grant; everyone else sees a keyed hash (pii_ and 24 hex digits), the same for one value everywhere, in exports, profiles, queries and this UI.">
      <ErrorBox error={act.error} />
      {act.result && <p class="notice" role="status">{act.result}</p>}
      <Load state={state} what="Reading the PII settings">{(p) => {
        const rows = piiRows(p)
        const known = new Set(p.effective || [])
        const offer = (lexicon.data?.properties || []).map((x) => x.path).filter((x) => !known.has(x))
        return (
          <>
            {p.granted
              ? <p>You hold pii on {project.name}: you see these values, and may change the settings below.</p>
              : <p class="notice warn-edge" role="note">You do not hold pii on {project.name}: you see keyed hashes, and the settings below are read-only. {lacksPII}</p>}
            <h3>PII paths</h3>
            <Table caption="PII paths in effect" rows={rows} empty="No path is treated as PII." cols={[
              { label: 'Path', render: (r) => <code>{r.path}</code> },
              { label: 'Why', render: (r) => (
                <span class="row center">
                  {r.classified && <span class="badge bad" title="The guard found e-mail addresses or phone numbers at this path">found by the guard</span>}
                  {r.marked && <span class="badge warn">marked personal</span>}
                  {r.default && <span class="badge" title="PII in every project">default</span>}
                </span>) },
              { label: 'Actions', render: (r) => r.marked
                ? <button type="button" class="link" aria-label={`Unmark ${r.path}`} disabled={!p.granted || act.busy} onClick={() => unmark(p, r.path)}>Unmark</button>
                : <span class="muted">{r.classified ? 'stays PII while the guard finds it' : 'always PII'}</span> }]} />
            <form class="card stack" onSubmit={(e) => mark(e, p)}>
              <h3>Mark a path personal</h3>
              <p class="muted flush">A path holding personal data the guard does not recognise (a customer number, a street address). Paths are dotted, as the lexicon names them; at most 200 bytes.</p>
              <div class="row">
                <label>Property path<input name="path" type="text" list="pii-offer" value={draft} onInput={(e) => setDraft(e.target.value)} disabled={!p.granted} placeholder="e.g. billing.street" autocomplete="off" /></label>
                <button type="submit" disabled={!p.granted || act.busy}>Mark personal</button>
              </div>
              <datalist id="pii-offer">{offer.map((o) => <option value={o} />)}</datalist>
            </form>
            <h3>Who reads PII in clear</h3>
            <Load state={accounts} what="Reading the service accounts">{(list) => (
              <Table caption="Who holds pii" rows={[{ kind: 'key' }, { kind: 'secret' }, ...(list || []).map((a) => ({ kind: 'account', a }))]} cols={[
                { label: 'Credential', render: (r) => r.kind === 'key' ? 'The admin key' : r.kind === 'secret' ? `${project.name}'s API secret` : <><code>{r.a.username}</code> {r.a.name}</> },
                { label: 'Role', render: (r) => r.kind === 'key' ? 'admin of every project' : r.kind === 'secret' ? 'admin of this project' : r.a.role + (r.a.disabled ? ' (disabled)' : '') },
                { label: 'pii', render: (r) => {
                  const on = r.kind === 'key' || (r.kind === 'secret' ? p.api_secret : r.a.pii)
                  return <span class={`badge ${on ? 'ok' : ''}`}>{on ? 'reads values' : 'reads hashes'}</span>
                } },
                { label: 'Actions', render: (r) => {
                  if (r.kind === 'key') return <span class="muted">always</span>
                  if (r.kind === 'secret') {
                    return <button type="button" class="link" disabled={!p.granted || act.busy} aria-label={p.api_secret ? 'Take pii from the API secret' : 'Give pii to the API secret'}
                      onClick={() => doAct(() => put(p, { api_secret: !p.api_secret }), p.api_secret ? 'The API secret no longer holds pii: exports made with it show keyed hashes from the next read.' : 'The API secret holds pii again: exports made with it show values.')}>
                      {p.api_secret ? 'Take pii away' : 'Give pii back'}</button>
                  }
                  if (r.a.role === 'ingest') return <span class="muted">sends only, reads nothing</span>
                  return <button type="button" class="link" disabled={!p.granted || act.busy} aria-label={`${r.a.pii ? 'Revoke' : 'Grant'} pii for ${r.a.username}`} onClick={() => grant(r.a)}>{r.a.pii ? 'Revoke' : 'Grant'}</button>
                } }]} />
            )}</Load>
            <p class="muted">The API secret (api_secret_pii) holds pii by default so that pipelines migrated from Mixpanel export as before; taking it away makes its exports hashed. Every change here is in the audit log (pii.settings, pii.grant).</p>
          </>
        )
      }}</Load>
    </Page>
  )
}

const KINDS = { mixpanel: 'Mixpanel', posthog: 'PostHog', sieve: 'Another Sieve' }

/** draftOf is a stored destination as the editor starts from it: its
 * token and secret empty (the server keeps them unless new ones are typed). */
const draftOf = (x) => ({ name: x.name, kind: x.kind, host: x.host, token: '', secret: '', service_account: x.service_account || '',
  mixpanel_project_id: x.mixpanel_project_id || '', stored: { kind: x.kind, host: x.host, token: x.token, secret: x.secret } })
const blank = () => ({ name: '', kind: 'mixpanel', host: '', token: '', secret: '', service_account: '', mixpanel_project_id: '', stored: null })
const sameHost = (a, b) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '')

/** bodyOf is the PUT document of the editor's drafts: a stored destination
 * whose token or secret was left empty asks the server to keep it
 * (keep_secrets), which it does only when kind and host are unchanged. */
function bodyOf(drafts) {
  return {
    destinations: drafts.map((x, i) => {
      const d = { name: x.name.trim(), kind: x.kind, host: x.host.trim() }
      if (x.token) d.token = x.token
      const mp = x.kind === 'mixpanel'
      if (mp && x.secret) d.secret = x.secret
      if (mp && x.service_account.trim()) d.service_account = x.service_account.trim()
      if (mp && x.mixpanel_project_id.trim()) d.mixpanel_project_id = x.mixpanel_project_id.trim()
      const kept = x.stored && (!x.token || (mp && !x.secret && x.stored.secret))
      if (kept) {
        if (x.kind !== x.stored.kind || !sameHost(d.host, x.stored.host)) {
          throw new Error(`Destination ${i + 1} (${d.name}): its kind or host changed, so type its token${mp && x.stored.secret ? ' and secret' : ''} anew.`)
        }
        d.keep_secrets = true
      } else if (!x.token) {
        throw new Error(`Destination ${i + 1}${d.name ? ` (${d.name})` : ''}: type its token.`)
      }
      return d
    }),
  }
}

/** DestinationEditor edits every destination of the project at once (the
 * API replaces the list): add, change, remove; stored tokens and secrets
 * stay unless new ones are typed (they are never sent to the page). */
function DestinationEditor({ project, stored, onSaved }) {
  const [drafts, setDrafts] = useState(() => stored.map(draftOf))
  const put = (i, patch) => setDrafts(drafts.map((x, j) => (j === i ? { ...x, ...patch } : x)))
  const [save, doSave] = useAction(async (e) => {
    e.preventDefault()
    const r = await api('PUT', `/api/projects/${project.id}/destinations`, bodyOf(drafts))
    setDrafts(r.destinations.map(draftOf)) // the typed secrets leave the page's memory
    onSaved()
    return r
  })
  const label = (x, i) => `Destination ${i + 1}${x.name ? ` (${x.name})` : ''}`
  return (
    <form class="card stack dests" onSubmit={doSave} aria-label="Destinations editor">
      <h3>Edit destinations</h3>
      <p class="muted">Saving replaces every destination of {project.name} with the list below (at most 8). Stored tokens and secrets are never shown: leave them empty to keep them. A destination kept under the same name keeps its place in the stream.</p>
      <ErrorBox error={save.error} />
      {save.result && <p class="notice" role="status">{save.result.destinations?.length ? `Saved: forwarding to ${save.result.destinations.map((x) => x.name).join(', ')}.` : 'Saved: no destinations.'}</p>}
      {drafts.length === 0 && <p class="muted">No destinations: add one.</p>}
      {drafts.map((x, i) => {
        const mp = x.kind === 'mixpanel'
        const keep = (masked) => (x.stored && masked ? `unchanged (${masked})` : '')
        return (
          <fieldset class="dest" role="group" aria-label={label(x, i)}>
            <legend>{label(x, i)}{x.stored ? '' : ' · new'}</legend>
            <div class="row wrap">
              <label>Name<input value={x.name} onInput={(e) => put(i, { name: e.target.value })} required placeholder="mixpanel-eu" autocomplete="off" /></label>
              <label>Kind<select value={x.kind} onChange={(e) => put(i, { kind: e.target.value })}>{Object.entries(KINDS).map(([k, v]) => <option value={k}>{v}</option>)}</select></label>
              <label>Host<input value={x.host} onInput={(e) => put(i, { host: e.target.value })} required type="url" placeholder="https://api-eu.mixpanel.com" autocomplete="off" /></label>
              <button type="button" class="link" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))} aria-label={`Remove ${label(x, i).toLowerCase()}`}>Remove</button>
            </div>
            <div class="row wrap">
              <label>Token (project token or API key)<input type="password" value={x.token} onInput={(e) => put(i, { token: e.target.value })} autocomplete="off"
                required={!x.stored} placeholder={keep(x.stored?.token)} /></label>
              {mp && <>
                <label>Secret (optional)<input type="password" value={x.secret} onInput={(e) => put(i, { secret: e.target.value })} autocomplete="off" placeholder={keep(x.stored?.secret)} /></label>
                <label>Service account (optional)<input value={x.service_account} onInput={(e) => put(i, { service_account: e.target.value })} autocomplete="off" /></label>
                <label>Mixpanel project id (optional)<input value={x.mixpanel_project_id} onInput={(e) => put(i, { mixpanel_project_id: e.target.value })} autocomplete="off" inputMode="numeric" /></label>
              </>}
            </div>
          </fieldset>
        )
      })}
      <div class="row">
        {drafts.length < 8 && <button type="button" class="secondary" onClick={() => setDrafts([...drafts, blank()])}>Add destination</button>}
        <button type="submit" disabled={save.busy}>Save destinations</button>
      </div>
    </form>
  )
}

/** Destinations (project admin): where guarded events are forwarded, their delivery state, and the editor. */
export function Destinations({ project }) {
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/destinations`), [project.id])
  const [gen, setGen] = useState(0)
  const [del, doDelete] = useAction(async () => {
    if (!confirm(`Stop forwarding ${project.name}'s events? What is still queued is deleted.`)) return null
    await api('DELETE', `/api/projects/${project.id}/destinations`)
    await state.reload(true)
    setGen((n) => n + 1)
    return true
  })
  return (
    <Page title="Forwarding" lead="Guarded events forwarded to Mixpanel, PostHog or another Sieve: only what the guard let through leaves. Tokens and secrets are encrypted at rest and shown masked.">
      <Load state={state} what="Reading the destinations">{(d) => (
        <>
          <Table caption="Destinations" rows={d.destinations} empty={`${project.name} forwards nowhere.`} cols={[
            { label: 'Name', key: 'name' }, { label: 'Kind', render: (x) => KINDS[x.kind] || x.kind }, { label: 'Host', render: (x) => <code>{x.host}</code> },
            { label: 'Token', render: (x) => <code>{x.token}</code> }, { label: 'Secret', render: (x) => x.secret ? <code>{x.secret}</code> : '—' },
            { label: 'State', render: (x) => <span class={`badge ${x.state === 'ok' ? 'ok' : 'bad'}`}>{x.state}</span> },
            { label: 'Queued', key: 'queued', num: true }, { label: 'Failures', key: 'failures', num: true }, { label: 'Last error', key: 'last_error' }]} />
          {d.destinations?.length > 0 && (
            <div class="stack"><ErrorBox error={del.error} /><div><button class="danger" onClick={() => doDelete()} disabled={del.busy}>Stop forwarding</button></div></div>
          )}
          <DestinationEditor key={`${project.id}-${gen}`} project={project} stored={d.destinations || []} onSaved={() => state.reload(true)} />
        </>
      )}</Load>
    </Page>
  )
}

const MODES = { off: 'off: no checks', report: 'report: findings only', enforce: 'enforce: drop unplanned properties' }

/** Plan (read; admin edits): the tracking plan, as JSON, with a draft generated from the lexicon. */
export function Plan({ me, project }) {
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/plan`), [project.id])
  const [text, setText] = useState(null)
  const [gen, doGenerate] = useAction(async () => {
    const p = await api('GET', `/api/projects/${project.id}/plan?generate=lexicon`)
    setText(JSON.stringify(p, null, 2))
    return p
  })
  const [save, doSave] = useAction(async (e) => {
    e.preventDefault()
    let body
    try { body = JSON.parse(text) } catch (err) { throw new Error(`The plan is not valid JSON: ${err.message}`) }
    const r = await api('PUT', `/api/projects/${project.id}/plan`, body)
    state.reload(true)
    setText(null)
    return r
  })
  const mayEdit = me.global || me.role === 'admin'
  return (
    <Page title="Tracking plan" lead="The events and properties this project expects. In report mode a violation is a finding; in enforce mode unplanned properties are dropped before storage.">
      <Load state={state} what="Reading the plan">{(p) => {
        const events = Object.entries(p.events || {})
        return (
          <>
            <div class="cards">
              <div class="stat"><b>{p.mode || 'off'}</b><span>mode</span></div>
              <div class="stat"><b>{events.length}</b><span>planned events</span></div>
              <div class="stat"><b>{p.unplanned_events || 'keep'}</b><span>unplanned events</span></div>
            </div>
            {events.length === 0 ? <Empty>No plan yet for {project.name}.</Empty> : (
              <Table caption="Planned events" rows={events.map(([name, e]) => ({ name, props: Object.keys(e.properties || {}) }))} cols={[
                { label: 'Event', key: 'name' }, { label: 'Properties', render: (r) => r.props.length ? r.props.map((x) => <code>{x} </code>) : '—' }]} />
            )}
            {mayEdit && (
              <form class="card stack" onSubmit={doSave}>
                <h3>Edit the plan</h3>
                <ErrorBox error={gen.error || save.error} />
                {save.result && <p class="notice" role="status">Saved: mode {save.result.mode}, {Object.keys(save.result.events || {}).length} events.</p>}
                <label>Mode (from the JSON below)<select value={safeMode(text, p)} onChange={(e) => setText(withMode(text ?? JSON.stringify(p, null, 2), e.target.value))}>
                  {Object.entries(MODES).map(([k, v]) => <option value={k}>{v}</option>)}</select></label>
                <label>Plan (JSON)<textarea class="code" rows={14} value={text ?? JSON.stringify(p, null, 2)} onInput={(e) => setText(e.target.value)} spellcheck={false} /></label>
                <div class="row">
                  <button type="button" class="secondary" onClick={() => doGenerate()} disabled={gen.busy}>Draft from the lexicon</button>
                  <button type="submit" disabled={save.busy || text === null}>Save the plan</button>
                </div>
              </form>
            )}
          </>
        )
      }}</Load>
    </Page>
  )
}

function safeMode(text, p) {
  try { return JSON.parse(text ?? '{}').mode || p.mode || 'off' } catch { return p.mode || 'off' }
}

function withMode(text, mode) {
  try { return JSON.stringify({ ...JSON.parse(text), mode }, null, 2) } catch { return text }
}
