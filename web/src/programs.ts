// The step tables as the server serves them (GET /api/v1/programs, from the workflows'
// own tables): step names, outcomes, data fields and the progress bar all come from here,
// so a step, outcome or field changed on the server changes the page without a change
// to it. Loaded once per page session.
import { shallowRef, type ShallowRef } from 'vue'
import { api, errorMessage, type FieldView, type OutcomeView, type ProgramView, type StepView } from './api'
import { unservedProgramNames } from './format'

export interface Progress {
  steps: string[]
  active: number
  /** How the active step is drawn: under way, or where the case was refused or stopped. */
  processStatus: 'process' | 'error' | 'wait'
}

/** The served step tables, with the look-ups the pages make. */
export class Programs {
  constructor(readonly list: ProgramView[]) {}

  program(code: string | null | undefined): ProgramView | undefined {
    return this.list.find((p) => p.program === code)
  }

  /** The program's Chinese name (a program without a table yet: format.ts's name, else its code). */
  programName(code: string | null | undefined): string {
    if (!code) return '—'
    return this.program(code)?.name ?? unservedProgramNames[code] ?? code
  }

  /** The programs with a step table, for filters: code → name in the server's order. */
  programNames(): Record<string, string> {
    return Object.fromEntries(this.list.map((p) => [p.program, p.name]))
  }

  step(program: string | null | undefined, code: string | null | undefined): StepView | undefined {
    return this.program(program)?.steps.find((s) => s.code === code)
  }

  /**
   * A step's name: the program's own row, else the same code in another program (a
   * filter across programs, a program without a table yet), else the code.
   */
  stepName(program: string | null | undefined, code: string | null | undefined): string {
    if (!code) return '—'
    const own = this.step(program, code)
    if (own) return own.name
    for (const p of this.list) {
      const s = p.steps.find((x) => x.code === code)
      if (s) return s.name
    }
    return code
  }

  /** Every step code with its name, in table order, of one program or (program empty) all. */
  stepNames(program = ''): Record<string, string> {
    const out: Record<string, string> = {}
    for (const p of program ? this.list.filter((x) => x.program === program) : this.list)
      for (const s of p.steps) out[s.code] ??= s.name
    return out
  }

  outcomes(program: string, step: string): OutcomeView[] {
    return this.step(program, step)?.outcomes ?? []
  }

  /** What an outcome is called on a step's form; its code when the table has no such outcome. */
  outcomeLabel(program: string, step: string, outcome: string): string {
    return this.outcomes(program, step).find((o) => o.code === outcome)?.label ?? outcome
  }

  /** The data fields of an outcome of a step, in the table's order. */
  fields(program: string, step: string, outcome: string): FieldView[] {
    return (this.step(program, step)?.fields ?? []).filter((f) => f.outcomes.includes(outcome))
  }

  /**
   * The steps on a case's progress bar: the distinct bar places of the program's main
   * track in table order, or of the urgent track for an urgent case.
   */
  bar(program: string, urgent = false): string[] {
    const out: string[] = []
    for (const s of this.program(program)?.steps ?? []) {
      if (!s.bar || (s.track === 'urgent') !== urgent) continue
      if (!out.includes(s.bar)) out.push(s.bar)
    }
    return out
  }

  /**
   * The case page's progress bar. step is the case's current step; endStep the step at
   * which a rejected or stopped case ended (its timeline's rejected event). A step that
   * runs beside or inside another sits at that step's place (the table's bar).
   */
  progress(program: string, urgent: boolean, status: string, step: string, endStep = ''): Progress {
    const steps = this.bar(program, urgent)
    const at = (s: string) => Math.max(0, steps.indexOf(this.step(program, s)?.bar ?? s))
    switch (status) {
      case 'approved':
        return { steps, active: steps.length, processStatus: 'process' }
      case 'rejected':
      case 'stopped':
        return { steps, active: at(endStep), processStatus: 'error' }
      case 'withdrawn':
        return { steps, active: at(step), processStatus: 'wait' }
    }
    return { steps, active: at(step), processStatus: 'process' }
  }
}

const none = new Programs([])
let loading: Promise<Programs> | null = null
let loaded: Programs | null = null

/** The step tables, fetched once per page session (a failed fetch is tried again next time). */
export function loadPrograms(): Promise<Programs> {
  loading ??= api.programs().then(
    (list) => (loaded = new Programs(list)),
    (e) => {
      loading = null
      throw e
    },
  )
  return loading
}

/** Forgets the loaded tables (tests; the next loadPrograms fetches again). */
export function forgetPrograms(): void {
  loading = null
  loaded = null
}

/**
 * The step tables for a component: empty until loaded (names fall back to codes, the
 * bar is empty), then the served ones; ready tells which, error why they did not load.
 */
export function usePrograms(): { table: ShallowRef<Programs>; ready: ShallowRef<boolean>; error: ShallowRef<string> } {
  const table = shallowRef(loaded ?? none)
  const ready = shallowRef(loaded !== null)
  const error = shallowRef('')
  if (!loaded) {
    loadPrograms().then(
      (t) => {
        table.value = t
        ready.value = true
      },
      (e) => (error.value = `办理环节表未能载入：${errorMessage(e)}`),
    )
  }
  return { table, ready, error }
}
