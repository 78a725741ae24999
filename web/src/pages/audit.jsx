// audit.jsx: the hash-chained audit log with filters, and whether its chain
// verifies.
import { api, qs } from '../api.js'
import { navigate } from '../router.js'
import { fmt, fmtTime, Load, Page, Table, useLoad } from '../ui.jsx'

const FILTERS = [['actor', 'Actor', 'admin, sa:…'], ['action', 'Action', 'export, page.view, purge.'], ['property', 'Property', 'email'], ['from', 'From', '2026-12-01'], ['to', 'To', '']]

export function Audit({ me, project, path, params }) {
  const f = Object.fromEntries(FILTERS.map(([k]) => [k, params.get(k) || '']))
  const scope = me.global && params.get('all') === '1' ? {} : { project_id: project.id }
  const log = useLoad(() => api('GET', `/api/audit${qs({ ...scope, ...f, limit: params.get('limit') || 200 })}`), [params.toString(), project.id])
  const chain = useLoad(() => api('GET', '/api/audit/verify'), [])
  function apply(e) {
    e.preventDefault()
    const p = new URLSearchParams()
    for (const [k, v] of new FormData(e.target)) if (v) p.set(k, String(v))
    navigate(`${path}?${p}`)
  }
  return (
    <Page title="Audit log" lead="Every read and change, and every refused request, in a hash-chained log. Entries name properties and events, never values; distinct_ids are keyed hashes.">
      <Load state={chain} what="Verifying the chain">{(c) => (
        <p class={c.ok ? 'notice' : 'error'} role="status">
          {c.ok ? <><b class="ok">Chain verified</b>: <span data-volatile>{fmt(c.entries)}</span> entries, each hash matching its content and the previous entry. </>
            : <><b>The chain is broken</b>: {c.error}. Run <code>sieve audit verify</code> and treat the log as tampered with. </>}
          Head: seq <span data-volatile>{c.head.seq}</span>, <code>{c.head.hash.slice(0, 16)}…</code> (publish it elsewhere to make a later truncation evident).
        </p>
      )}</Load>
      <form class="card row" onSubmit={apply} aria-label="Filters">
        {FILTERS.map(([k, label, ph]) => <label>{label}<input name={k} defaultValue={f[k]} placeholder={ph} type={k === 'from' || k === 'to' ? 'date' : 'text'} /></label>)}
        {me.global && <label class="check"><input type="checkbox" name="all" value="1" defaultChecked={params.get('all') === '1'} />All projects</label>}
        <button type="submit">Filter</button>
      </form>
      <Load state={log}>{(l) => (
        <Table caption="Audit entries" rows={[...l.entries].reverse()} empty="No entry matches." cols={[
          { label: 'Seq', render: (e) => <span data-volatile>{e.seq}</span>, num: true }, { label: 'Time', render: (e) => fmtTime(e.time) }, { label: 'Actor', key: 'actor' },
          { label: 'Session', key: 'session' }, { label: 'Action', key: 'action' }, { label: 'Project', key: 'project_id' },
          { label: 'Endpoint', render: (e) => e.endpoint ? <code>{e.endpoint}</code> : '—' },
          { label: 'Outcome', render: (e) => <span class={e.outcome === 'ok' ? '' : 'bad'}>{e.outcome}{e.status ? ` ${e.status}` : ''}</span> },
          { label: 'Rows', key: 'rows', num: true },
          { label: 'Properties', render: (e) => e.all_properties ? 'any' : fmt(e.properties), cls: 'props' }]} />
      )}</Load>
    </Page>
  )
}
