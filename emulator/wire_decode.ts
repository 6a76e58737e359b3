/**
 * Decodes request JSON the way golang/protobuf `jsonpb` does for Polaris messages: proto names
 * and JSON names both accepted, unknown keys rejected (v1.18.1), wrapper types as plain scalars,
 * metadata values strings only (reference §0). Any violation is a ParseException (400001) for the
 * whole request.
 *
 * @module
 */

/** A decoded field value: wrappers become scalars, messages become nested records. */
export type WireValue =
  | string
  | number
  | boolean
  | readonly string[]
  | Readonly<Record<string, string>>
  | DecodedMessage;

/** A decoded message keyed by proto field name; fields that were absent or `null` are missing. */
export interface DecodedMessage {
  readonly [protoName: string]: WireValue;
}

/** The type of one message field. */
export type FieldType =
  | "string"
  | "uint32"
  | "bool"
  | "stringMap"
  | "stringList"
  | { readonly enum: Readonly<Record<string, number>> }
  | { readonly message: MessageSchema };

/** One field: its type and, when the proto sets `json_name` or the name has `_`, its JSON name. */
export interface FieldSchema {
  readonly type: FieldType;
  readonly json?: string;
}

/** A message: its full name (for error text) and fields keyed by proto name. */
export interface MessageSchema {
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldSchema>>;
}

/** Thrown when a body cannot be decoded; the emulator answers 400001 with its message. */
export class WireParseError extends SyntaxError {
  /** Creates the error with the text jsonpb would report. */
  constructor(message: string) {
    super(message);
    this.name = "WireParseError";
  }
}

/** Returns the lowerCamelCase JSON name protoc derives from a proto field name. */
export function defaultJsonName(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeUint32(value: unknown, where: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new WireParseError(`bad value in field ${where}: ${JSON.stringify(value)}`);
  }
  return n;
}

function decodeField(type: FieldType, value: unknown, where: string): WireValue {
  if (type === "string") {
    if (typeof value !== "string") throw new WireParseError(`bad string in field ${where}`);
    return value;
  }
  if (type === "uint32") return decodeUint32(value, where);
  if (type === "bool") {
    if (typeof value !== "boolean") throw new WireParseError(`bad bool in field ${where}`);
    return value;
  }
  if (type === "stringMap") {
    if (!isRecord(value)) throw new WireParseError(`bad map in field ${where}`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "string") {
        throw new WireParseError(`bad value for map key "${k}" in field ${where}: not a string`);
      }
      out[k] = v;
    }
    return out;
  }
  if (type === "stringList") {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      throw new WireParseError(`bad list in field ${where}`);
    }
    return value as string[];
  }
  if ("enum" in type) {
    if (typeof value === "string" && value in type.enum) return type.enum[value];
    if (typeof value === "number" && Number.isInteger(value)) return value;
    throw new WireParseError(`unknown enum value ${JSON.stringify(value)} in field ${where}`);
  }
  return decodeMessage(type.message, value);
}

/**
 * Decodes one JSON value into a message. `null` is the empty message; any key that is neither a
 * proto name nor a JSON name of the schema throws `unknown field "x" in v1.Instance`.
 */
export function decodeMessage(schema: MessageSchema, value: unknown): DecodedMessage {
  if (value === null) return {};
  if (!isRecord(value)) throw new WireParseError(`expected an object for ${schema.name}`);
  const out: Record<string, WireValue> = {};
  for (const [key, raw] of Object.entries(value)) {
    const protoName = fieldByKey(schema, key);
    if (protoName === undefined) {
      throw new WireParseError(`unknown field "${key}" in ${schema.name}`);
    }
    if (protoName in out) {
      throw new WireParseError(`field "${protoName}" set twice in ${schema.name}`);
    }
    if (raw === null) continue;
    out[protoName] = decodeField(schema.fields[protoName].type, raw, `${schema.name}.${key}`);
  }
  return out;
}

function fieldByKey(schema: MessageSchema, key: string): string | undefined {
  if (Object.hasOwn(schema.fields, key)) return key;
  for (const [protoName, field] of Object.entries(schema.fields)) {
    if ((field.json ?? defaultJsonName(protoName)) === key) return protoName;
  }
  return undefined;
}

/** Reads a string field of a decoded message. */
export function str(m: DecodedMessage, field: string): string | undefined {
  const v = m[field];
  return typeof v === "string" ? v : undefined;
}

/** Reads a uint32 (or enum) field of a decoded message. */
export function num(m: DecodedMessage, field: string): number | undefined {
  const v = m[field];
  return typeof v === "number" ? v : undefined;
}

/** Reads a bool field of a decoded message. */
export function bool(m: DecodedMessage, field: string): boolean | undefined {
  const v = m[field];
  return typeof v === "boolean" ? v : undefined;
}

/** Reads a `map<string,string>` field of a decoded message. */
export function strMap(m: DecodedMessage, field: string): Record<string, string> | undefined {
  const v = m[field];
  return isRecord(v) ? { ...(v as Record<string, string>) } : undefined;
}

/** Reads a nested message field of a decoded message. */
export function msg(m: DecodedMessage, field: string): DecodedMessage | undefined {
  const v = m[field];
  return isRecord(v) ? (v as DecodedMessage) : undefined;
}
