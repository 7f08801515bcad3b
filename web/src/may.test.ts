import { afterEach, describe, expect, it } from 'vitest'
import { may, session, type User } from './api'

// The page shows a case action only when the server's duties table (GET /me) allows it.
describe('may', () => {
  afterEach(() => {
    session.user = null
  })
  const user = (role: string, actions: string[], programs: string[]): User => ({
    id: 1, username: 'u', name: 'u', role, org: { id: 1, code: '349901', name: '示范县', level: 'county' }, actions, programs,
  })

  it('follows the served actions and programs', () => {
    session.user = user('veteran_officer', ['read', 'reveal'], ['veteran'])
    expect(may('read')).toBe(true)
    expect(may('read', 'veteran')).toBe(true)
    expect(may('read', 'dibao')).toBe(false)
    expect(may('withdraw', 'veteran')).toBe(false)
  })

  it('allows nothing to a role without case duties, or before sign-in', () => {
    session.user = user('admin', [], ['dibao', 'tekun', 'linshi', 'veteran'])
    expect(may('read')).toBe(false)
    expect(may('file', 'dibao')).toBe(false)
    session.user = null
    expect(may('read')).toBe(false)
  })
})
