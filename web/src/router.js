// router.js: client routes on the History API (the server answers every
// such path with the app).
import { useEffect, useState } from 'preact/hooks'

/** navigate changes the client route (and the history). */
export function navigate(to) {
  if (to === location.pathname + location.search) return
  history.pushState(null, '', to)
  dispatchEvent(new PopStateEvent('popstate'))
}

/** usePath is the current path and query, updated on navigation. */
export function usePath() {
  const [loc, set] = useState(location.pathname + location.search)
  useEffect(() => {
    const on = () => set(location.pathname + location.search)
    addEventListener('popstate', on)
    return () => removeEventListener('popstate', on)
  }, [])
  return loc
}
