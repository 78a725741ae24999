// data.jsx: the live view of stored events (after the guard), a user's
// profile and timeline, and the lexicon.
import { useState } from 'preact/hooks'
import { api, qs } from '../api.js'
import { navigate } from '../router.js'
import { Empty, fmt, fmtTime, Load, Loading, Page, Snippet, Table, useInterval, useLoad } from '../ui.jsx'

function EventTable({ rows, caption, empty }) {
  return (
    <Table caption={caption} rows={rows} empty={empty} cols={[
      { label: 'Time', render: (e) => fmtTime(e.time) }, { label: 'Event', key: 'event' },
      { label: 'distinct_id', render: (e) => e.distinct_id ? <a href={`/users?${new URLSearchParams({ id: e.distinct_id })}`}>{e.distinct_id}</a> : '—' },
      { label: 'Properties (as stored)', render: (e) => JSON.stringify(e.properties), cls: 'props' }]} />
  )
}

export function Events({ project }) {
  const [live, setLive] = useState(true)
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/events/recent${qs({ since: '1h', limit: 100 })}`), [project.id])
  useInterval(() => state.reload(true), 5000, live)
  return (
    <Page title="Live events" lead="The newest events of the last hour as they were stored, after the guard: what the guard removed is not here."
      actions={<label class="check"><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />Refresh every 5 s</label>}>
      <Load state={state}>{(d) => d.events.length === 0
        ? <><p class="notice" role="status">No events stored in {project.name} in the last hour.</p><Snippet token={project.token} /></>
        : <EventTable caption="Recent events" rows={d.events} />}</Load>
    </Page>
  )
}

export function Users({ project, params }) {
  const id = params.get('id') || ''
  const profile = useLoad(() => (id ? api('GET', `/api/2.0/engage${qs({ project_id: project.id, distinct_id: id })}`) : Promise.resolve(null)), [project.id, id])
  const events = useLoad(() => (id ? api('GET', `/api/projects/${project.id}/events/recent${qs({ since: '168h', limit: 200, distinct_id: id })}`) : Promise.resolve(null)), [project.id, id])
  function find(e) {
    e.preventDefault()
    navigate(`/users?${new URLSearchParams({ id: new FormData(e.target).get('id') })}`)
  }
  return (
    <Page title="Users" lead="A user's profile and their events of the last 7 days, as stored.">
      <form class="card row" onSubmit={find} role="search">
        <label>distinct_id<input name="id" defaultValue={id} required autocomplete="off" /></label>
        <button type="submit">Show</button>
      </form>
      {!id ? <Profiles project={project} /> : (
        <>
          <h3>Profile</h3>
          <Load state={profile}>{(p) => !p ? <Loading /> : p.results.length === 0 ? <Empty>No profile for this distinct_id (events may exist without one).</Empty> : (
            <Table caption="Profile properties" rows={Object.entries(p.results[0].$properties)} cols={[
              { label: 'Property', render: ([k]) => <code>{k}</code> }, { label: 'Value', render: ([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)), cls: 'props' }]} />
          )}</Load>
          <h3>Timeline (last 7 days)</h3>
          <Load state={events}>{(d) => !d ? <Loading /> : <EventTable caption="Events of this user" rows={d.events} empty="No events from this user in the last 7 days." />}</Load>
        </>
      )}
    </Page>
  )
}

/** Profiles lists the first 50 profiles (as /api/2.0/engage pages them),
 * each a link to its page, with a few of its properties. */
function Profiles({ project }) {
  const state = useLoad(() => api('GET', `/api/2.0/engage${qs({ project_id: project.id, page_size: 50 })}`), [project.id])
  const shown = (p) => Object.entries(p.$properties || {}).slice(0, 4).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ')
  return (
    <>
      <h3>Profiles</h3>
      <Load state={state} what="Reading the profiles">{(d) => (
        <Table caption="Profiles" rows={d.results} limit={50}
          empty="No profiles yet: they come from the SDKs' people/identify calls (Mixpanel's /engage, PostHog's $set). Enter a distinct_id above to see a user's events anyway."
          cols={[
            { label: 'distinct_id', render: (p) => <a href={`/users?${new URLSearchParams({ id: p.$distinct_id })}`}>{p.$distinct_id}</a> },
            { label: 'Properties', render: shown, cls: 'props' }]} />
      )}</Load>
      {state.data?.total > 50 && <p class="muted">The first 50 of {fmt(state.data.total)} profiles; enter a distinct_id above for any other.</p>}
    </>
  )
}

export function Lexicon({ project }) {
  const state = useLoad(() => api('GET', `/api/projects/${project.id}/lexicon`), [project.id])
  const [filter, setFilter] = useState('')
  const has = (s) => !filter || s.toLowerCase().includes(filter.toLowerCase())
  return (
    <Page title="Lexicon" lead="Every event name and property path this project has stored, with types, counts, first and last seen, the guard classes found there and the SDK versions that sent it. Never a value."
      actions={<label>Filter<input value={filter} onInput={(e) => setFilter(e.target.value)} type="search" /></label>}>
      <Load state={state}>{(l) => l.events.length === 0 ? <><p class="notice" role="status">{project.name} has no events yet.</p><Snippet token={project.token} /></> : (
        <>
          {l.overflow && <p class="notice">The lexicon is full: new names are counted but not listed.</p>}
          <h3>Events</h3>
          <Table caption="Events" rows={l.events.filter((e) => has(e.name))} cols={[
            { label: 'Event', key: 'name' }, { label: 'Count', key: 'count', num: true },
            { label: 'First seen', render: (e) => fmtTime(e.first_seen) }, { label: 'Last seen', render: (e) => fmtTime(e.last_seen) }]} />
          <h3>Properties</h3>
          <Table caption="Properties" rows={l.properties.filter((p) => has(p.path))} cols={[
            { label: 'Path', render: (p) => <code>{p.path}</code> }, { label: 'Types', key: 'types' }, { label: 'Count', key: 'count', num: true },
            { label: 'Guard', render: (p) => p.guarded ? <span class="badge bad">{fmt(p.classes)}</span> : '—' },
            { label: 'First seen', render: (p) => fmtTime(p.first_seen) }, { label: 'Last seen', render: (p) => fmtTime(p.last_seen) },
            { label: 'SDK versions', render: (p) => fmt((p.sdk_versions || []).map((v) => (typeof v === 'string' ? v : `${v.lib} ${v.version}`))) }]} />
        </>
      )}</Load>
    </Page>
  )
}
