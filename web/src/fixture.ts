// For tests: the served step tables (programs.fixture.json is GET /programs' answer, kept
// current by a Go test), as a fresh copy a test may change.
import type { ProgramView } from './api'
import fixture from './programs.fixture.json'

export const served = (): ProgramView[] => structuredClone(fixture) as ProgramView[]
