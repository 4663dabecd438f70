/// <reference types="node" />
// The command names and request shapes come from Rust (bindings/commands.ts, generated from
// crates/api/src/commands.rs). The type checks below are compiled by `vue-tsc` (npm run
// typecheck / build): each `@ts-expect-error` line must stay an error.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { COMMAND_NAMES } from './bindings/commands'
import type { CallArgs } from './ipc'

const okStep: CallArgs<'letters_red_step'> = [{ id: 'r', step: 'close', note: 'n' }]
const okAdmonition: CallArgs<'letters_admonition_step'> = [{ id: 'a', step: 'receive_report', report_path: '/r.pdf' }]
const okNone: CallArgs<'auth_status'> = []
// @ts-expect-error the close step needs its note
const missingField: CallArgs<'letters_red_step'> = [{ id: 'r', step: 'close' }]
// @ts-expect-error no such step
const unknownStep: CallArgs<'letters_admonition_step'> = [{ id: 'a', step: 'teleport' }]
// @ts-expect-error no such command
const unknownCommand: CallArgs<'letters_teleport'> = []
// @ts-expect-error a command without a request takes none
const extraRequest: CallArgs<'auth_status'> = [{}]
// @ts-expect-error requests use the Rust field names (snake_case), not the old camelCase arguments
const camelCase: CallArgs<'letters_take_up_card'> = [{ caseId: 'c', color: 'yellow' }]
// @ts-expect-error a card's colour is yellow or red
const badColour: CallArgs<'letters_take_up_card'> = [{ case_id: 'c', color: 'blue' }]

describe('the command map', () => {
  it('type-checks requests (see the @ts-expect-error lines)', () => {
    expect([okStep, okAdmonition, okNone, missingField, unknownStep, unknownCommand, extraRequest, camelCase, badColour]).toHaveLength(9)
  })

  it('has a wrapper in ipc.ts for every command', () => {
    const ipc = readFileSync(fileURLToPath(new URL('./ipc.ts', import.meta.url)), 'utf8')
    expect(COMMAND_NAMES.length).toBeGreaterThan(50)
    for (const name of COMMAND_NAMES) expect(ipc, name).toContain(`call('${name}'`)
  })

  it('lists each command once', () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length)
  })
})
