// guard.jsx: the guard policy editor and its dry run. A pasted event stays
// in this page's memory: the dry-run endpoint stores, logs and audits none
// of it.
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, fmtTime, Load, Page, Table, useLoad } from '../ui.jsx'

const SAMPLE = JSON.stringify({ event: 'Signed up', properties: { distinct_id: 'u1', plan: 'pro', password: 'hunter2-correct-horse', card: '4111 1111 1111 1111' } }, null, 2)

export function Guard({ me, project }) {
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/guard`), [project.id])
  const admin = me.global || me.role === 'admin'
  return (
    <Page title="Guard policy" lead="What the guard does with each class of sensitive value in this project, which paths it leaves alone, and custom rules. Try a policy on an event before saving it.">
      <Load state={state}>{(g) => <Editor key={`${project.id}-${g.version}`} doc={g} project={project} admin={admin} saved={() => state.reload(true)} />}</Load>
    </Page>
  )
}

function Editor({ doc, project, admin, saved }) {
  const [text, setText] = useState(JSON.stringify(doc.policy, null, 2))
  const [event, setEvent] = useState('')
  const [draft, setDraft] = useState(false)
  const [result, setResult] = useState(null)
  const [error, setError] = useState(null)
  const [note, setNote] = useState('')

  function parsed(s, what) {
    try { return JSON.parse(s) } catch { throw new Error(`The ${what} is not valid JSON.`) }
  }
  async function save() {
    setError(null); setNote('')
    try {
      await api('PUT', `/api/projects/${project.id}/guard`, parsed(text, 'policy'))
      setNote('Saved. New events are checked with this policy from now on.')
      saved()
    } catch (err) { setError(err) }
  }
  async function dryRun(e) {
    e.preventDefault()
    setError(null); setResult(null)
    try {
      const body = { event: parsed(event, 'event') }
      if (draft) body.policy = parsed(text, 'policy')
      setResult(await api('POST', `/api/projects/${project.id}/guard/dry-run`, body))
    } catch (err) { setError(err) }
  }
  return (
    <>
      <ErrorBox error={error} />
      {note && <p class="notice" role="status">{note}</p>}
      <div class="cols">
        <div class="card">
          <h3>Policy (version {doc.version})</h3>
          <label>Policy document (JSON)
            <textarea value={text} onInput={(e) => setText(e.target.value)} readOnly={!admin} spellcheck={false} rows={12} />
          </label>
          <p class="muted">An empty policy is the default: critical classes are dropped (drop_property), email and phone kept and recorded. See docs/GUARD.md for actions, allow paths and custom rules.</p>
          {admin ? <p><button type="button" onClick={save}>Save the policy</button></p> : <p class="muted">Read-only: changing the policy needs the admin role.</p>}
        </div>
        <form class="card" onSubmit={dryRun} aria-label="Dry run">
          <h3>Dry run</h3>
          <p class="muted">Paste an event as an SDK sends it; see what the guard would drop, redact or hash, and why. Nothing of it is stored or logged.</p>
          <label>Event (JSON)
            <textarea value={event} onInput={(e) => setEvent(e.target.value)} spellcheck={false} autocomplete="off" rows={10} placeholder={SAMPLE} />
          </label>
          <div class="row center">
            <label class="check"><input type="checkbox" checked={draft} onChange={(e) => setDraft(e.target.checked)} />Use the policy in the editor (not saved)</label>
            <button type="button" class="secondary" onClick={() => setEvent(SAMPLE)}>Use an example</button>
            <button type="submit">Dry run</button>
          </div>
        </form>
      </div>
      {result && (
        <div class="card" aria-label="Dry-run result" role="status">
          <h3>{result.dropped ? 'The whole event would be dropped.' : result.findings.length === 0 ? 'Nothing would be removed.' : `${result.findings.length} finding(s); the rest of the event would be stored.`}</h3>
          <Table caption="What the guard would do" rows={result.findings} empty="No sensitive value found." cols={[
            { label: 'Path', render: (f) => <code>{f.path}</code> }, { label: 'Class', key: 'class' }, { label: 'Detector', key: 'detector' }, { label: 'Action', key: 'action' }]} />
          {result.stored && <><h3>As it would be stored</h3><pre>{JSON.stringify(result.stored, null, 2)}</pre></>}
        </div>
      )}
      <h3>History</h3>
      <Table caption="Policy history" rows={[...(doc.history || [])].reverse()} empty="The default policy has never been changed." cols={[
        { label: 'Time', render: (h) => fmtTime(h.time) }, { label: 'Actor', key: 'actor' }]} />
    </>
  )
}
