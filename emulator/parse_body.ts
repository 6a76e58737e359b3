/**
 * Parses Polaris request bodies: batch arrays as `Handler.ParseArray` does, and single objects
 * (alias create and update). Reference §1.
 *
 * @module
 */

import { Code } from "./codes.ts";
import {
  type DecodedMessage,
  decodeMessage,
  type MessageSchema,
  WireParseError,
} from "./wire_decode.ts";

/** The Polaris batch limit (`utils.MaxBatchSize`). */
export const MAX_BATCH_SIZE = 100;

/** A parsed body, or the code (400001/400002/400003) and text the request fails with. */
export type ParsedBody<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: number; readonly info: string };

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; info: string } {
  if (text.trim() === "") return { ok: false, info: "empty body" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, info: `malformed JSON: ${(error as Error).message}` };
  }
}

/**
 * Parses a batch body into decoded items. An empty body, malformed JSON, a non-empty object, a
 * non-object element or a bad field give 400001; `[]`, `{}`, `null` and bare scalars parse to no
 * items (the first token is read and no element follows), which {@link checkBatchSize} turns into
 * 400002 after the token check, as the server does. A `null` element becomes an empty item. Unlike the real parser, JSON after a truncated array is not
 * forgiven: a body that `JSON.parse` refuses is 400001 (stricter on purpose).
 */
export function parseArrayBody(
  text: string,
  schema: MessageSchema,
): ParsedBody<readonly DecodedMessage[]> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, code: Code.ParseException, info: json.info };
  const value = json.value;
  if (!Array.isArray(value)) {
    if (typeof value === "object" && value !== null && Object.keys(value).length > 0) {
      return { ok: false, code: Code.ParseException, info: "expected a JSON array" };
    }
    return { ok: true, value: [] };
  }
  const items: DecodedMessage[] = [];
  try {
    for (const element of value) items.push(decodeMessage(schema, element));
  } catch (error) {
    if (error instanceof WireParseError) {
      return { ok: false, code: Code.ParseException, info: error.message };
    }
    throw error;
  }
  return { ok: true, value: items };
}

/** Returns 400002 for an empty batch and 400003 above 100 items, else the items. */
export function checkBatchSize(
  items: readonly DecodedMessage[],
): ParsedBody<readonly DecodedMessage[]> {
  if (items.length === 0) return { ok: false, code: Code.EmptyRequest, info: "empty request" };
  if (items.length > MAX_BATCH_SIZE) {
    return { ok: false, code: Code.BatchSizeOverLimit, info: "batch size over the limit" };
  }
  return { ok: true, value: items };
}

/** Parses a single-object body (alias create/update); anything undecodable is 400001. */
export function parseObjectBody(text: string, schema: MessageSchema): ParsedBody<DecodedMessage> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, code: Code.ParseException, info: json.info };
  try {
    return { ok: true, value: decodeMessage(schema, json.value) };
  } catch (error) {
    if (error instanceof WireParseError) {
      return { ok: false, code: Code.ParseException, info: error.message };
    }
    throw error;
  }
}
