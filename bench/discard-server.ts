// A stand-in for the tracking server's artifact proxy: it reads every uploaded byte, keeps none,
// and says how many it got, so an upload can be measured without a real MLflow server.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface DiscardServer {
  url: string
  close(): Promise<void>
}

export async function startDiscardServer(): Promise<DiscardServer> {
  let last = { bytes: 0, path: '' }
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/received') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(last))
      return
    }
    let bytes = 0
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length
    })
    req.on('end', () => {
      last = { bytes, path: decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname) }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
