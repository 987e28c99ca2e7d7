import * as core from '@actions/core'
import type { JobIo } from './job-io.js'

export const actionsIo: JobIo = {
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
  setSecret: (value) => core.setSecret(value),
  setOutput: (name, value) => core.setOutput(name, value),
  writeSummary: async (markdown) => {
    await core.summary.addRaw(markdown, true).write()
  },
}
