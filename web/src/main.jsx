// main.jsx: the app shell: sign-in, the session, the project picker, the
// navigation (only the pages the role may use) and a tiny history router.
import 'uplot/dist/uPlot.min.css'
import './style.css'
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, setCSRF, whenSignedOut } from './api.js'
import { Loading } from './ui.jsx'
import { SignIn } from './pages/signin.jsx'
import { pages } from './pages/index.jsx'
import { navigate, usePath } from './router.js'

/** Intercept same-origin link clicks so pages switch without reloading. */
function onClick(e) {
  const a = e.target.closest && e.target.closest('a[href^="/"]')
  if (!a || a.hasAttribute('download') || a.target || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return
  e.preventDefault()
  navigate(a.getAttribute('href'))
}

const THEMES = ['auto', 'light', 'dark']
function applyTheme(t) {
  if (t === 'auto') document.documentElement.removeAttribute('data-theme')
  else document.documentElement.setAttribute('data-theme', t)
}

function App() {
  const [me, setMe] = useState(undefined) // undefined: checking; null: signed out
  const [projects, setProjects] = useState(null)
  const [theme, setTheme] = useState(localStorage.getItem('sieve.theme') || 'auto')
  const [, setPicked] = useState('') // the project chosen lives in localStorage; this re-renders on a change
  const loc = usePath()
  const path = loc.split('?')[0]

  useEffect(() => { applyTheme(theme); localStorage.setItem('sieve.theme', theme) }, [theme])
  useEffect(() => {
    whenSignedOut(() => { setCSRF(''); setMe(null) })
    api('GET', '/api/session').then((s) => (s.signed_in ? signedIn(s) : setMe(null)), () => setMe(null))
  }, [])

  async function signedIn(s) {
    setCSRF(s.csrf_token)
    const ps = await api('GET', '/api/projects').catch(() => [])
    setProjects(ps)
    setMe(s)
  }
  async function signOut() {
    await api('DELETE', '/api/session').catch(() => {})
    setCSRF('')
    setMe(null)
    navigate('/')
  }

  if (me === undefined) return <Loading what="Loading Sieve" />
  if (me === null) return <SignIn onSignedIn={signedIn} />

  const params = new URLSearchParams(loc.split('?')[1] || '')
  const stored = Number(localStorage.getItem('sieve.project'))
  const pick = Number(params.get('project')) || stored || me.project_id || projects?.[0]?.id
  const project = projects?.find((p) => p.id === pick) || projects?.[0]
  const allowed = pages.filter((p) => p.may(me))
  const route = pages.find((p) => p.match(path)) || (path === '/' ? allowed[0] : null)
  return (
    <div class="layout" onClick={onClick}>
      <a class="skip" href="#main">Skip to content</a>
      <Nav allowed={allowed} route={route} />
      <div class="main">
        <header class="top">
          <label class="sr" for="project">Project</label>
          {projects && projects.length > 0 && (
            <select id="project" value={project?.id} onChange={(e) => { localStorage.setItem('sieve.project', e.target.value); setPicked(e.target.value); navigate(path) }}>
              {projects.map((p) => <option value={p.id}>{p.name} (#{p.id})</option>)}
            </select>
          )}
          <span class="grow" />
          <span class="who">Signed in as <b>{me.actor}</b> · {me.role}</span>
          <label class="sr" for="theme">Theme</label>
          <select id="theme" value={theme} onChange={(e) => setTheme(e.target.value)} title="Theme">
            {THEMES.map((t) => <option value={t}>{t === 'auto' ? 'Theme: system' : `Theme: ${t}`}</option>)}
          </select>
          <button class="secondary" onClick={signOut}>Sign out</button>
        </header>
        <main id="main">
          <Route route={route} me={me} project={project} projects={projects || []} path={path} params={params}
            reloadProjects={() => api('GET', '/api/projects').then(setProjects)} />
        </main>
      </div>
    </div>
  )
}

/**
 * Nav lists the pages the role may use by group. A group's heading folds
 * it (remembered in localStorage, as the theme); opening a page unfolds
 * its group, and its link is scrolled into view, since the list scrolls on
 * its own on a short screen.
 */
function Nav({ allowed, route }) {
  const [folded, setFolded] = useState(() => {
    try { return JSON.parse(localStorage.getItem('sieve.nav') || '[]') } catch { return [] }
  })
  const groups = [...new Set(allowed.map((p) => p.group))]
  const fold = (next) => {
    setFolded(next)
    localStorage.setItem('sieve.nav', JSON.stringify(next))
  }
  const toggle = (g) => fold(folded.includes(g) ? folded.filter((x) => x !== g) : [...folded, g])
  useEffect(() => {
    if (route && folded.includes(route.group)) fold(folded.filter((x) => x !== route.group)) // opened from a link
    requestAnimationFrame(() => document.querySelector('.side a[aria-current=page]')?.scrollIntoView({ block: 'nearest' }))
  }, [route])
  return (
    <nav class="side" aria-label="Sections">
      <div class="brand">Sieve<small>privacy-first analytics</small></div>
      {groups.map((g) => {
        const items = allowed.filter((p) => p.group === g)
        const open = !folded.includes(g)
        const id = `nav-${g.replace(/\W+/g, '-').toLowerCase()}`
        return (
          <>
            <h2><button type="button" aria-expanded={open} aria-controls={id} onClick={() => toggle(g)}>
              {g}{!open && <span class="count">({items.length})</span>}</button></h2>
            <div id={id} hidden={!open}>
              {items.map((p) => <a href={p.path} aria-current={route === p ? 'page' : undefined}>{p.title}</a>)}
            </div>
          </>
        )
      })}
    </nav>
  )
}

function Route({ route, me, project, projects, path, params, reloadProjects }) {
  useEffect(() => {
    document.getElementById('page-title')?.focus()
    if (route && route.may(me)) {
      api('POST', '/api/ui/views', { page: path, project_id: route.global ? 0 : project?.id || 0 }).catch(() => {})
    }
  }, [path, project?.id])
  if (!route) return <section><h1 id="page-title" tabIndex={-1}>Page not found</h1><p class="lead">There is no page at this address. Pick one on the left.</p></section>
  if (!route.may(me)) {
    return (
      <section>
        <h1 id="page-title" tabIndex={-1}>{route.title}</h1>
        <p class="error" role="alert">This page needs {route.needs}. You are signed in as {me.actor} ({me.role}); ask an administrator.</p>
      </section>
    )
  }
  if (!project && !route.global) return <p class="notice">There is no project yet. Create one under Settings → Projects (admin key).</p>
  const P = route.component
  return <P me={me} project={project} projects={projects} path={path} params={params} reloadProjects={reloadProjects} />
}

render(<App />, document.getElementById('app'))
