/**
 * One shared, frozen object per distinct set of Pod labels. The Pods of one workload carry the
 * same labels (`app`, `version`, `pod-template-hash`…), so a cluster of 500k Pods holds a few
 * thousand distinct sets: sharing them keeps one object per set in the cache instead of one per
 * Pod. A set no Pod uses any more is let go by the garbage collector (weak references), so a
 * rollout's old `pod-template-hash` does not stay behind.
 *
 * @module
 */

type Labels = Readonly<Record<string, string>>;

/** The shared labels of {@linkcode internLabels}; see the module documentation. */
export class LabelInterner {
  readonly #byKey = new Map<string, WeakRef<Labels>>();
  readonly #gone = new FinalizationRegistry<string>((key) => {
    const ref = this.#byKey.get(key);
    if (ref !== undefined && ref.deref() === undefined) this.#byKey.delete(key);
  });

  /**
   * The shared object with exactly these labels (key order does not count); frozen, so no holder
   * can change it for the others.
   *
   * @example
   * ```ts
   * import { LabelInterner } from "./label_interner.ts";
   * const interner = new LabelInterner();
   * const a = interner.intern({ app: "web", version: "v1" });
   * const b = interner.intern({ version: "v1", app: "web" });
   * if (a !== b) throw new Error("expected one shared object");
   * ```
   */
  intern(labels: Labels): Labels {
    const keys = Object.keys(labels).sort();
    if (keys.length === 0) return EMPTY;
    const key = JSON.stringify(keys.map((k) => [k, labels[k]]));
    const shared = this.#byKey.get(key)?.deref();
    if (shared !== undefined) return shared;
    const copy: Record<string, string> = {};
    for (const k of keys) copy[k] = labels[k];
    const frozen = Object.freeze(copy);
    this.#byKey.set(key, new WeakRef(frozen));
    this.#gone.register(frozen, key);
    return frozen;
  }

  /** Distinct label sets held (some may be collected already). */
  get size(): number {
    return this.#byKey.size;
  }
}

const EMPTY: Labels = Object.freeze({});

/** The interner every source of this process shares. */
export const sharedLabels = new LabelInterner();
