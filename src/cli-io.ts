import type { JobIo, OutputName } from './job-io.js'

/** The CLI's view of a job: messages on stderr, the report on stdout, outputs collected. */
export function createCliIo(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream) {
  const secrets: string[] = []
  const outputs: Partial<Record<OutputName, string>> = {}
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text)
  const say = (prefix: string, message: string) => stderr.write(`${prefix}${mask(message)}\n`)
  const io: JobIo = {
    info: (m) => say('', m),
    notice: (m) => say('notice: ', m),
    warning: (m) => say('warning: ', m),
    setSecret: (value) => {
      if (value) secrets.push(value)
    },
    setOutput: (name, value) => {
      outputs[name] = value
    },
    writeSummary: async (markdown) => {
      stdout.write(`${mask(markdown)}\n`)
    },
  }
  return { io, outputs, mask }
}
