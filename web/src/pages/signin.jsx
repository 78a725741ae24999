// signin.jsx: exchange the admin key or a service account's credentials for
// a session cookie. The credentials stay in this form's state only until
// the request is sent; they are never stored.
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox } from '../ui.jsx'

export function SignIn({ onSignedIn }) {
  const [mode, setMode] = useState('key')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)

  async function submit(e) {
    e.preventDefault()
    const f = new FormData(e.target)
    const body = mode === 'key' ? { admin_key: f.get('admin_key') } : { username: f.get('username'), secret: f.get('secret') }
    setBusy(true)
    setError(null)
    try {
      const s = await api('POST', '/api/session', body, { quiet401: true })
      e.target.reset()
      await onSignedIn(s)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="signin" id="main">
      <div class="card">
        <div class="brand">Sieve</div>
        <h1 id="page-title">Sign in</h1>
        <div class="tabs" role="tablist" aria-label="How to sign in">
          <button role="tab" type="button" aria-selected={mode === 'key'} onClick={() => setMode('key')}>Admin key</button>
          <button role="tab" type="button" aria-selected={mode === 'sa'} onClick={() => setMode('sa')}>Service account</button>
        </div>
        <ErrorBox error={error} />
        <form class="stack" onSubmit={submit} method="post" action="/api/session">
          {mode === 'key' ? (
            <label>Admin key
              <input name="admin_key" type="password" autocomplete="current-password" required autoFocus />
            </label>
          ) : (
            <>
              <label>Username<input name="username" type="text" autocomplete="username" required autoFocus /></label>
              <label>Secret<input name="secret" type="password" autocomplete="current-password" required /></label>
            </>
          )}
          <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        </form>
        <p class="muted">
          On its first start, <code>sieve serve</code> prints the admin key once (or set <code>SIEVE_ADMIN_KEY</code>).
          Service accounts are created by an admin under Settings → Access. The session ends after an hour unused, or twelve hours.
        </p>
      </div>
    </main>
  )
}
