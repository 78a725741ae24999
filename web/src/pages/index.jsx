// index.js: every page, where it lives in the navigation and who may open
// it (the same rule the API enforces; the API refuses anyway).
import { Alerts, Findings, Fleet } from './privacy.jsx'
import { PurgesRoute, Scope } from './purges.jsx'
import { Audit } from './audit.jsx'
import { Guard } from './guard.jsx'
import { Events, Lexicon, Users } from './data.jsx'
import { Dashboards, Insights } from './insights.jsx'
import { Access, ProjectSettings, Webhook } from './settings.jsx'
import { useEffect, useState } from 'preact/hooks'
import { ErrorBox, Loading } from '../ui.jsx'

/** lazy is a page whose code is loaded (a chunk of its own) only when it is first opened. */
function lazy(load, name) {
  return function Lazy(props) {
    const [mod, set] = useState(null)
    const [error, setError] = useState(null)
    useEffect(() => { load().then(set, () => setError(new Error('This page could not be loaded. Reload to try again.'))) }, [])
    if (error) return <ErrorBox error={error} />
    if (!mod) return <Loading what="Loading the page" />
    const P = mod[name]
    return <P {...props} />
  }
}
const trust = () => import('./trust.jsx')

const read = () => true
const admin = (me) => me.global || me.role === 'admin'
const globalAdmin = (me) => me.global

const page = (path, title, group, component, may, needs, extra = {}) => ({
  path, title, group, component, may, needs,
  match: (p) => p === path || (extra.prefix && p.startsWith(path + '/')),
  ...extra,
})

// The navigation shows the groups in the order they first appear here.
export const pages = [
  page('/findings', 'Findings', 'Privacy center', Findings, read, 'a project role'),
  page('/alerts', 'Alerts', 'Privacy center', Alerts, read, 'a project role'),
  page('/fleet', 'SDK fleet', 'Privacy center', Fleet, read, 'a project role'),
  page('/guard', 'Guard policy', 'Privacy center', Guard, read, 'a project role'),
  page('/scope', 'Incident scope', 'Privacy center', Scope, globalAdmin, 'the admin key', { global: true }),
  page('/purges', 'Purges', 'Privacy center', PurgesRoute, admin, 'the admin role', { prefix: true }),
  page('/audit', 'Audit log', 'Privacy center', Audit, admin, 'the admin role'),
  page('/plan', 'Tracking plan', 'Privacy center', lazy(trust, 'Plan'), read, 'a project role'),
  page('/selftest', 'Self-test and keys', 'Privacy center', lazy(trust, 'SelfTest'), globalAdmin, 'the admin key', { global: true }),
  page('/events', 'Live events', 'Data', Events, read, 'a project role'),
  page('/users', 'Users', 'Data', Users, read, 'a project role'),
  page('/lexicon', 'Lexicon', 'Data', Lexicon, read, 'a project role'),
  page('/insights', 'Insights', 'Insights', Insights, read, 'a project role'),
  page('/dashboards', 'Dashboards', 'Insights', Dashboards, read, 'a project role'),
  page('/settings', 'Project', 'Settings', ProjectSettings, admin, 'the admin role'),
  page('/settings/access', 'Access', 'Settings', Access, admin, 'the admin role'),
  page('/settings/webhook', 'Webhook', 'Settings', Webhook, admin, 'the admin role'),
  page('/settings/pii', 'Personal data', 'Settings', lazy(trust, 'PII'), admin, 'the admin role'),
  page('/settings/forwarding', 'Forwarding', 'Settings', lazy(trust, 'Destinations'), admin, 'the admin role'),
]
