// Checks request and response bodies against GitHub's own OpenAPI description (@octokit/openapi),
// so the local GitHub server cannot drift from what api.github.com answers.
//
// A minimal validator for the subset of OpenAPI 3.0 schema keywords that description uses around
// the operations we serve: type, nullable, properties, required, additionalProperties, items,
// enum, oneOf (with discriminator), anyOf, allOf, $ref, and the formats date-time and uri.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

export type Schema = { [keyword: string]: unknown }

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  components: Record<string, Record<string, unknown>>
}

interface Operation {
  operationId: string
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses: Record<string, unknown>
}

let document: OpenApiDocument | undefined

/** The api.github.com description, parsed once per process (13 MB). */
export function gitHubOpenApi(): OpenApiDocument {
  if (!document) {
    const path = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json')
    document = JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument
  }
  return document
}

/** Validation errors of `value` against `schema` (empty when valid), each naming a JSON path. */
export function validateSchema(schema: Schema, value: unknown, root: OpenApiDocument = gitHubOpenApi(), path = '$'): string[] {
  const resolved = resolveRef(schema, root)
  if (value === null) {
    if (resolved['nullable'] === true || resolved['type'] === 'null') return []
    // A composition may hold the nullable member (`oneOf: [{type: string, nullable: true}, …]`).
    if (!hasAny(resolved, ['oneOf', 'anyOf', 'allOf'])) {
      return hasAny(resolved, ['type', 'properties', 'enum']) ? [`${path}: null where it is not nullable`] : []
    }
  }
  const errors: string[] = []
  for (const member of schemaList(resolved['allOf'])) errors.push(...validateSchema(member, value, root, path))
  const anyOf = schemaList(resolved['anyOf'])
  if (anyOf.length > 0 && !anyOf.some((member) => validateSchema(member, value, root, path).length === 0)) {
    errors.push(`${path}: matches none of anyOf`)
  }
  const oneOf = schemaList(resolved['oneOf'])
  if (oneOf.length > 0) errors.push(...validateOneOf(resolved, oneOf, value, root, path))

  const enumValues = resolved['enum']
  if (Array.isArray(enumValues) && !enumValues.includes(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(enumValues)}`)
  }
  const type = resolved['type']
  if (typeof type === 'string' && !hasType(value, type)) {
    return [...errors, `${path}: expected ${type}, got ${describeType(value)}`]
  }
  if (typeof value === 'string') errors.push(...validateFormat(resolved['format'], value, path))
  if (Array.isArray(value) && resolved['items'] !== undefined) {
    value.forEach((item, index) => errors.push(...validateSchema(resolved['items'] as Schema, item, root, `${path}[${index}]`)))
  }
  if (isObject(value)) errors.push(...validateObject(resolved, value, root, path))
  return errors
}

function validateOneOf(schema: Schema, members: Schema[], value: unknown, root: OpenApiDocument, path: string): string[] {
  const discriminator = schema['discriminator'] as { propertyName: string; mapping?: Record<string, string> } | undefined
  if (discriminator && isObject(value) && typeof value[discriminator.propertyName] === 'string') {
    const ref = discriminator.mapping?.[value[discriminator.propertyName] as string]
    if (ref) return validateSchema({ $ref: ref }, value, root, path)
  }
  const matching = members.filter((member) => validateSchema(member, value, root, path).length === 0).length
  return matching === 1 ? [] : [`${path}: matches ${matching} of oneOf's ${members.length} schemas, not exactly one`]
}

function validateObject(schema: Schema, value: Record<string, unknown>, root: OpenApiDocument, path: string): string[] {
  const errors: string[] = []
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>
  for (const key of (schema['required'] ?? []) as string[]) {
    if (!(key in value)) errors.push(`${path}: missing required property ${JSON.stringify(key)}`)
  }
  const additional = schema['additionalProperties']
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`
    const propertySchema = properties[key]
    if (propertySchema) errors.push(...validateSchema(propertySchema, child, root, childPath))
    else if (additional === false) errors.push(`${childPath}: property not allowed`)
    else if (isObject(additional)) errors.push(...validateSchema(additional, child, root, childPath))
  }
  return errors
}

function validateFormat(format: unknown, value: string, path: string): string[] {
  if (format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    return [`${path}: ${JSON.stringify(value)} is not a date-time`]
  }
  if (format === 'uri' && !URL.canParse(value)) return [`${path}: ${JSON.stringify(value)} is not an absolute URI`]
  return []
}

function resolveRef(schema: Schema, root: OpenApiDocument): Schema {
  let current = schema
  for (let depth = 0; typeof current['$ref'] === 'string'; depth++) {
    if (depth > 32) throw new Error(`$ref loop at ${String(current['$ref'])}`)
    current = resolvePointer(root, current['$ref'] as string) as Schema
  }
  return current
}

export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported: ${ref}`)
  let node: unknown = root
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isObject(node) || !(key in node)) throw new Error(`Unresolvable $ref ${ref}`)
    node = node[key]
  }
  return node
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isObject(value)
    case 'array': return Array.isArray(value)
    case 'string': return typeof value === 'string'
    case 'boolean': return typeof value === 'boolean'
    case 'number': return typeof value === 'number' && Number.isFinite(value)
    case 'integer': return Number.isInteger(value)
    case 'null': return value === null
    default: throw new Error(`Unknown schema type ${type}`)
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasAny(schema: Schema, keywords: string[]): boolean {
  return keywords.some((keyword) => schema[keyword] !== undefined)
}

function schemaList(value: unknown): Schema[] {
  return Array.isArray(value) ? (value as Schema[]) : []
}

/** The operation GitHub documents for this path template and method. */
export function operation(pathTemplate: string, method: string): Operation {
  const found = gitHubOpenApi().paths[pathTemplate]?.[method.toLowerCase()]
  if (!found) throw new Error(`GitHub's OpenAPI has no ${method} ${pathTemplate}`)
  return found
}

/** Errors of a JSON request body against the operation's documented request body. */
export function validateRequestBody(pathTemplate: string, method: string, body: unknown): string[] {
  const schema = operation(pathTemplate, method).requestBody?.content?.['application/json']?.schema
  if (!schema) return body === undefined ? [] : ['a body was sent where the operation takes none']
  return validateSchema(schema, body)
}

/**
 * Errors of a response against the operation's documented response for that status. An error
 * status the operation does not document is checked against GitHub's generic `basic-error`
 * (GitHub answers e.g. 403 to any write a token may not make); an undocumented success is an error.
 */
export function validateResponse(pathTemplate: string, method: string, status: number, body: unknown): string[] {
  const root = gitHubOpenApi()
  const documented = operation(pathTemplate, method).responses[String(status)]
  if (documented === undefined) {
    if (status >= 400) return validateSchema({ $ref: '#/components/schemas/basic-error' }, body, root)
    return [`${method} ${pathTemplate} does not document status ${status}`]
  }
  const response = resolveRef(documented as Schema, root) as { content?: Record<string, { schema?: Schema }> }
  const schema = response.content?.['application/json']?.schema
  if (!schema) return body === undefined ? [] : [`status ${status} documents no body, but one was sent`]
  return validateSchema(schema, body, root)
}
