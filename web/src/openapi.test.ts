// The page's API client against the server's OpenAPI description (docs/openapi.json,
// which a Go test keeps equal to what /api/v1/openapi.json serves): every call the
// client makes is a described route, and every field the client's main types read is in
// the described answer. A renamed route or field fails here, not on a clerk's screen.
import { describe, expect, it } from 'vitest'
import doc from '../../docs/openapi.json'
import source from './api.ts?raw'

// "/api/v1/cases/{id}" → "/api/v1/cases/{}": parameter names differ between the two sides.
const shape = (path: string) => path.replace(/\{[^}]*\}/g, '{}')
const paths = doc.paths as unknown as Record<string, Record<string, any>>
const described = new Set(
  Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${shape(path)}`)),
)

type Schema = { properties?: Record<string, Schema>; items?: Schema }
function answer(method: string, path: string, status = '200'): Schema {
  return paths[path][method].responses[status].content['application/json'].schema
}

/** The keys an interface of api.ts declares (its own block, not what it extends). */
function keys(name: string): string[] {
  const m = source.match(new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`))
  if (!m) throw new Error(`interface ${name} not found in api.ts`)
  return [...m[1].matchAll(/^ {2}(\w+)\??:/gm)].map((k) => k[1])
}

describe('the API client and the OpenAPI description', () => {
  it('calls only described routes', () => {
    const calls = [...source.matchAll(/request<[^>]*(?:>[^>]*)*?>\('(GET|POST|PUT|DELETE)', [`']([^`']+)[`']/g)]
      .map(([, method, path]) => [method, path] as const)
    expect(calls.length).toBeGreaterThan(20)
    for (const [method, path] of calls) {
      if (path.includes('${action}')) continue // the four case updates, below
      const route = `${method} /api/v1${shape(path.replace(/\$\{[^}]*\}/g, '{x}'))}`
      expect(described, route).toContain(route)
    }
    for (const action of ['objections', 'withdraw', 'materials', 'extend']) {
      expect(described).toContain(`POST /api/v1/cases/{}/${action}`)
    }
  })

  it('reads only described fields', () => {
    const checks: [string, Schema][] = [
      ['CaseSummary', answer('get', '/api/v1/cases/{id}')],
      ['CaseView', answer('get', '/api/v1/cases/{id}')],
      ['Task', answer('get', '/api/v1/tasks').properties!.items.items!],
      ['TimelineEvent', answer('get', '/api/v1/cases/{id}').properties!.timeline.items!],
      ['Notification', answer('get', '/api/v1/notifications').properties!.items.items!],
      ['NotificationPage', answer('get', '/api/v1/notifications')],
      ['OverdueTask', answer('get', '/api/v1/overdue').properties!.items.items!],
      ['Page', answer('get', '/api/v1/cases')],
    ]
    for (const [name, schema] of checks) {
      const props = Object.keys(schema.properties ?? {})
      for (const key of keys(name)) {
        expect(props, `${name}.${key}`).toContain(key)
      }
    }
  })
})
